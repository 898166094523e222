// PoolSQLBenchmarks: PoolSQL's MongoDB pool side by side with libmongoc's own pool and the
// Node.js driver, in one run. Not part of `swift test`; run it with scripts/bench.sh.
//
// Everything here runs synchronously on the main thread and plain OS threads: the pool's
// blocking API must stay off Swift's cooperative thread pool.
import Foundation
import PoolSQLCore
import PoolSQLTestSupport

func runBenchmarks() throws {
    let options: BenchmarkOptions
    do {
        options = try BenchmarkOptions.parse(Array(CommandLine.arguments.dropFirst()))
    } catch is BenchmarkOptions.HelpRequested {
        print(BenchmarkOptions.usage)
        return
    }

    // A server of our own unless one was given; it lives until the end of this function.
    var server: SecantusServer?
    let uri: String
    if let given = options.uri {
        uri = given
    } else {
        let started = try SecantusServer()
        server = started
        uri = started.uri
    }
    defer { server?.stop() }
    let serverDescription = server.map { "SecantusDB started for this run (\($0.executable))" } ?? "given by --uri"

    var report = BenchmarkReport(options: options, serverDescription: serverDescription)
    if options.runCheckout {
        log("checkout+checkin: \(options.checkoutRepetitions) x \(options.iterations) pairs")
        report.checkout = try CheckoutBenchmark(
            uri: uri, iterations: options.iterations, repetitions: options.checkoutRepetitions,
            measurePoolSQL: options.clients.contains(.poolsql), measureLibmongoc: options.clients.contains(.libmongoc)).run()
    }
    if options.runPing {
        log("ping: \(options.repetitions) x \(options.seconds) s per client, \(options.threads) threads")
        let node = options.runNode ? NodePingBenchmark(node: options.node, script: options.nodeScript) : nil
        report.ping = try PingBenchmark(
            uri: uri, threads: options.threads, seconds: options.seconds, warmupSeconds: options.warmupSeconds,
            repetitions: options.repetitions, node: node,
            measurePoolSQL: options.clients.contains(.poolsql), measureLibmongoc: options.clients.contains(.libmongoc)).run()
    }
    print(report.table)
    if options.emitJSON { print(report.json) }
}

/// Progress goes to stderr so stdout holds only the table (and the JSON line).
func log(_ message: String) {
    FileHandle.standardError.write(Data("PoolSQLBenchmarks: \(message)\n".utf8))
}

do {
    try runBenchmarks()
} catch let error as PoolSQLError {
    log(error.description + (error.detail.map { "\n\($0)" } ?? "") + (error.hint.map { "\nHINT: \($0)" } ?? ""))
    exit(1)
} catch {
    log("\(error)")
    exit(1)
}
