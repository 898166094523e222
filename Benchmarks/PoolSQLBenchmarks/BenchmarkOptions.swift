import Foundation
import PoolSQLCore

/// The command line of `PoolSQLBenchmarks`, parsed by hand (the target stays free of
/// ArgumentParser so the benchmark builds with only the pool module and its C library).
struct BenchmarkOptions: Sendable {
    /// The server to measure against; nil starts a throw-away SecantusDB.
    var uri: String?
    /// Check-out/check-in pairs per repetition of the uncontended benchmark.
    var iterations = 200_000
    /// Length of each measured interval of the ping benchmark.
    var seconds = 2.0
    /// Unmeasured ping time before the first repetition (connections get established).
    var warmupSeconds = 0.5
    /// The ping benchmark runs this many times per client; the median is reported.
    var repetitions = 5
    /// Repetitions of the uncontended checkout benchmark. One repetition is 200,000 pairs, a
    /// few tens of milliseconds: on a machine shared with other jobs a single burst of load
    /// covers a whole repetition, so it takes many to make the median robust (they cost
    /// seconds).
    var checkoutRepetitions = 21
    /// Concurrent pingers per client.
    var threads = 4
    var runCheckout = true
    var runPing = true
    /// Which clients to measure; leaving some out is for profiling one of them alone.
    var clients: Set<Client> = Set(Client.allCases)
    var runNode: Bool { clients.contains(.node) }

    enum Client: String, CaseIterable, Sendable {
        case poolsql, libmongoc, node
    }
    var node = "/usr/bin/node"
    var nodeScript: String = BenchmarkOptions.defaultNodeScript
    var emitJSON = false

    static let usage = """
        usage: PoolSQLBenchmarks [--uri URI] [--iterations N] [--seconds S] [--warmup-seconds S]
                                 [--repetitions R] [--checkout-repetitions R] [--threads T] [--only checkout|ping]
                                 [--clients LIST] [--no-node] [--node PATH] [--node-script PATH] [--json]

          --uri URI          MongoDB server to use (default: start a SecantusDB via PoolSQLTestSupport)
          --iterations N     check-out/check-in pairs per repetition (default 200000)
          --seconds S        length of each measured ping interval (default 2)
          --warmup-seconds S unmeasured pings before measuring (default 0.5)
          --repetitions R    ping repetitions per client; medians are reported (default 5)
          --checkout-repetitions R
                             checkout+checkin repetitions per client (default 21)
          --threads T        concurrent pingers per client (default 4)
          --only NAME        run only the checkout or the ping benchmark (for profiling)
          --clients LIST     comma-separated subset of poolsql,libmongoc,node to measure (default all;
                             for profiling one client alone, e.g. under valgrind or strace)
          --no-node          skip the Node.js driver reference (same as leaving node out of --clients)
          --node PATH        node executable (default /usr/bin/node)
          --node-script PATH ping_bench.js (default: Benchmarks/node/ping_bench.js of this checkout)
          --json             also print the results as one JSON line after the table
        """

    /// Benchmarks/node/ping_bench.js next to this source directory.
    static var defaultNodeScript: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("node/ping_bench.js").path
    }

    struct HelpRequested: Error {}

    static func parse(_ arguments: [String]) throws -> BenchmarkOptions {
        var options = BenchmarkOptions()
        var remaining = arguments[...]
        func value(for name: String) throws -> String {
            guard let next = remaining.popFirst() else {
                throw PoolSQLError(.invalidParameterValue, "\(name) needs a value", hint: usage)
            }
            return next
        }
        func positiveInt(for name: String) throws -> Int {
            let text = try value(for: name)
            guard let number = Int(text), number > 0 else {
                throw PoolSQLError(.invalidParameterValue, "\(name) must be a positive integer, not \"\(text)\"")
            }
            return number
        }
        func seconds(for name: String, allowZero: Bool) throws -> Double {
            let text = try value(for: name)
            guard let number = Double(text), number.isFinite, allowZero ? number >= 0 : number > 0 else {
                throw PoolSQLError(.invalidParameterValue, "\(name) must be a \(allowZero ? "non-negative" : "positive") number of seconds, not \"\(text)\"")
            }
            return number
        }
        while let argument = remaining.popFirst() {
            switch argument {
            case "--uri": options.uri = try value(for: argument)
            case "--iterations": options.iterations = try positiveInt(for: argument)
            case "--seconds": options.seconds = try seconds(for: argument, allowZero: false)
            case "--warmup-seconds": options.warmupSeconds = try seconds(for: argument, allowZero: true)
            case "--repetitions": options.repetitions = try positiveInt(for: argument)
            case "--checkout-repetitions": options.checkoutRepetitions = try positiveInt(for: argument)
            case "--threads": options.threads = try positiveInt(for: argument)
            case "--no-node": options.clients.remove(.node)
            case "--clients":
                let list = try value(for: argument)
                var chosen = Set<Client>()
                for name in list.split(separator: ",") {
                    guard let client = Client(rawValue: name.trimmingCharacters(in: .whitespaces).lowercased()) else {
                        throw PoolSQLError(.invalidParameterValue, "--clients takes poolsql, libmongoc and node, not \"\(name)\"")
                    }
                    chosen.insert(client)
                }
                guard !chosen.isEmpty else { throw PoolSQLError(.invalidParameterValue, "--clients needs at least one client") }
                options.clients = chosen
            case "--node": options.node = try value(for: argument)
            case "--node-script": options.nodeScript = try value(for: argument)
            case "--json": options.emitJSON = true
            case "--only":
                let name = try value(for: argument)
                switch name {
                case "checkout": options.runPing = false
                case "ping": options.runCheckout = false
                default: throw PoolSQLError(.invalidParameterValue, "--only takes checkout or ping, not \"\(name)\"")
                }
            case "--help", "-h": throw HelpRequested()
            default:
                throw PoolSQLError(.invalidParameterValue, "unknown argument \"\(argument)\"", hint: usage)
            }
        }
        return options
    }
}
