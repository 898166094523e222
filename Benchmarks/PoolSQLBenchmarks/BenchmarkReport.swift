import Foundation

/// The results of one `PoolSQLBenchmarks` run: the table for people and one JSON line for
/// scripts.
struct BenchmarkReport {
    var options: BenchmarkOptions
    var serverDescription: String
    var checkout: CheckoutBenchmark.Result?
    var ping: PingBenchmark.Result?

    struct Row {
        var benchmark: String
        var poolSQL: String
        var reference: String
        var ratio: String
        var goal: String
    }

    var rows: [Row] {
        var rows: [Row] = []
        if let checkout {
            rows.append(Row(benchmark: "checkout+checkin, uncontended (ns/pair)",
                            poolSQL: Self.format(checkout.poolSQLNanoseconds, digits: 0),
                            reference: "\(Self.format(checkout.libmongocNanoseconds, digits: 0)) libmongoc pop+push",
                            ratio: Self.ratio(checkout.ratio), goal: "<= 1.5x"))
        }
        if let ping {
            let threads = options.threads
            rows.append(Row(benchmark: "ping client CPU, \(threads) threads (us/op)",
                            poolSQL: Self.format(ping.poolSQLCPU, digits: 1),
                            reference: "\(Self.format(ping.libmongocCPU, digits: 1)) libmongoc pool",
                            ratio: Self.ratio(ping.poolSQLCPU / ping.libmongocCPU), goal: "<= 1.1x"))
            rows.append(Row(benchmark: "ping client CPU, \(threads) threads (us/op)",
                            poolSQL: Self.format(ping.poolSQLCPU, digits: 1),
                            reference: ping.nodeCPU.map { "\(Self.format($0, digits: 1)) \(nodeLabel)" } ?? "n/a \(nodeLabel)",
                            ratio: ping.nodeCPU.map { Self.ratio(ping.poolSQLCPU / $0) } ?? "n/a", goal: "-"))
            rows.append(Row(benchmark: "ping throughput, \(threads) threads (ops/s)",
                            poolSQL: Self.format(ping.poolSQLThroughput, digits: 0),
                            reference: "\(Self.format(ping.libmongocThroughput, digits: 0)) libmongoc pool",
                            ratio: Self.ratio(ping.poolSQLThroughput / ping.libmongocThroughput), goal: "-"))
            rows.append(Row(benchmark: "ping throughput, \(threads) threads (ops/s)",
                            poolSQL: Self.format(ping.poolSQLThroughput, digits: 0),
                            reference: ping.nodeThroughput.map { "\(Self.format($0, digits: 0)) \(nodeLabel)" } ?? "n/a \(nodeLabel)",
                            ratio: ping.nodeThroughput.map { Self.ratio(ping.poolSQLThroughput / $0) } ?? "n/a", goal: "-"))
        }
        return rows
    }

    private var nodeLabel: String {
        "node-mongodb" + (NodePingBenchmark.driverVersion.map { " \($0)" } ?? "")
    }

    /// A plain-text table with a header, aligned columns and notes under it.
    var table: String {
        let header = Row(benchmark: "benchmark", poolSQL: "PoolSQL", reference: "reference", ratio: "ratio", goal: "goal")
        let all = [header] + rows
        func width(_ column: KeyPath<Row, String>) -> Int { all.map { $0[keyPath: column].count }.max() ?? 0 }
        let widths = [width(\.benchmark), width(\.poolSQL), width(\.reference), width(\.ratio), width(\.goal)]
        func line(_ row: Row) -> String {
            let cells = [row.benchmark, row.poolSQL, row.reference, row.ratio, row.goal]
            return zip(cells, widths).enumerated().map { index, pair in
                // Text left-aligned, numbers right-aligned.
                index == 0 || index == 2 ? pair.0.padding(toLength: pair.1, withPad: " ", startingAt: 0)
                                         : String(repeating: " ", count: pair.1 - pair.0.count) + pair.0
            }.joined(separator: " | ")
        }
        var text = line(header) + "\n"
        text += widths.map { String(repeating: "-", count: $0) }.joined(separator: "-+-") + "\n"
        text += rows.map(line).joined(separator: "\n") + "\n"
        text += "\nserver: \(serverDescription); medians of interleaved repetitions"
        if checkout != nil { text += "; checkout: \(options.checkoutRepetitions) x \(options.iterations) pairs" }
        if ping != nil { text += "; ping: \(options.repetitions) x \(options.seconds) s after \(options.warmupSeconds) s warm-up" }
        if let ping {
            func split(_ cpu: [Double], _ system: [Double], _ operations: [Int]) -> String {
                let user = median(zip(zip(cpu, system), operations).map { ($0.0 - $0.1) / Double($1) })
                let kernel = median(zip(system, operations).map { $0 / Double($1) })
                return "\(Self.format(user, digits: 1)) user + \(Self.format(kernel, digits: 1)) sys"
            }
            text += "\nping client CPU split (us/op, medians): PoolSQL "
                + split(ping.poolSQL.map(\.cpuMicroseconds), ping.poolSQL.map(\.systemMicroseconds), ping.poolSQL.map(\.operations))
                + "; libmongoc " + split(ping.libmongoc.map(\.cpuMicroseconds), ping.libmongoc.map(\.systemMicroseconds), ping.libmongoc.map(\.operations))
            if !ping.node.isEmpty {
                text += "; node " + split(ping.node.map(\.cpuMicroseconds), ping.node.map(\.systemMicroseconds), ping.node.map(\.operations))
            }
        }
        if let reason = ping?.nodeUnavailable { text += "\nnode reference: n/a (\(reason))" }
        return text
    }

    private struct JSONReport: Encodable {
        struct Checkout: Encodable {
            var poolSQLNanosecondsPerPair: Double
            var libmongocNanosecondsPerPair: Double
            var ratio: Double
            var goal = 1.5
            var poolSQLRuns: [Double]
            var libmongocRuns: [Double]
        }
        struct Ping: Encodable {
            var threads: Int
            var poolSQLCPUMicrosecondsPerOp: Double
            var libmongocCPUMicrosecondsPerOp: Double
            var nodeCPUMicrosecondsPerOp: Double?
            var poolSQLOpsPerSecond: Double
            var libmongocOpsPerSecond: Double
            var nodeOpsPerSecond: Double?
            var cpuRatioVsLibmongoc: Double
            var cpuRatioVsNode: Double?
            var goal = 1.1
            var nodeDriverVersion: String?
            var nodeUnavailable: String?
            var poolSQLRuns: [ThroughputSample]
            var libmongocRuns: [ThroughputSample]
            var nodeRuns: [NodePingBenchmark.Sample]
        }
        var date: String
        var server: String
        var repetitions: Int
        var checkoutRepetitions: Int
        var checkout: Checkout?
        var ping: Ping?
    }

    var json: String {
        let report = JSONReport(
            date: ISO8601DateFormatter().string(from: Date()),
            server: serverDescription,
            repetitions: options.repetitions,
            checkoutRepetitions: options.checkoutRepetitions,
            checkout: checkout.map {
                JSONReport.Checkout(poolSQLNanosecondsPerPair: $0.poolSQLNanoseconds, libmongocNanosecondsPerPair: $0.libmongocNanoseconds,
                                    ratio: $0.ratio, poolSQLRuns: $0.poolSQLRuns, libmongocRuns: $0.libmongocRuns)
            },
            ping: ping.map { ping in
                JSONReport.Ping(
                    threads: options.threads, poolSQLCPUMicrosecondsPerOp: ping.poolSQLCPU, libmongocCPUMicrosecondsPerOp: ping.libmongocCPU,
                    nodeCPUMicrosecondsPerOp: ping.nodeCPU, poolSQLOpsPerSecond: ping.poolSQLThroughput,
                    libmongocOpsPerSecond: ping.libmongocThroughput, nodeOpsPerSecond: ping.nodeThroughput,
                    cpuRatioVsLibmongoc: ping.poolSQLCPU / ping.libmongocCPU, cpuRatioVsNode: ping.nodeCPU.map { ping.poolSQLCPU / $0 },
                    nodeDriverVersion: NodePingBenchmark.driverVersion, nodeUnavailable: ping.nodeUnavailable,
                    poolSQLRuns: ping.poolSQL, libmongocRuns: ping.libmongoc, nodeRuns: ping.node)
            })
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        // A client left out with --clients has NaN medians.
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        guard let data = try? encoder.encode(report) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }

    /// "n/a" for a client that was not measured (its median is NaN).
    static func format(_ value: Double, digits: Int) -> String {
        value.isFinite ? String(format: "%.\(digits)f", value) : "n/a"
    }

    static func ratio(_ value: Double) -> String {
        value.isFinite ? String(format: "%.2fx", value) : "n/a"
    }
}
