import CMongoC
import PoolSQLCore
import PoolSQLPool

/// Client CPU per `ping` through a pool of `threads` connections with `threads` threads pinging
/// back to back: PoolSQL's `MongoPool.ping()` versus libmongoc's pool (pop, command, push)
/// versus the Node.js driver (a separate process, see `NodePingBenchmark`).
struct PingBenchmark {
    let uri: String
    let threads: Int
    let seconds: Double
    let warmupSeconds: Double
    let repetitions: Int
    /// nil when the Node.js reference is not run.
    let node: NodePingBenchmark?
    var measurePoolSQL = true
    var measureLibmongoc = true

    struct Result: Sendable {
        var poolSQL: [ThroughputSample]
        var libmongoc: [ThroughputSample]
        var node: [NodePingBenchmark.Sample]
        /// Why the Node.js reference has no numbers, if it has none.
        var nodeUnavailable: String?

        var poolSQLCPU: Double { median(poolSQL.map(\.cpuMicrosecondsPerOp)) }
        var libmongocCPU: Double { median(libmongoc.map(\.cpuMicrosecondsPerOp)) }
        var nodeCPU: Double? { node.isEmpty ? nil : median(node.map(\.cpuMicrosecondsPerOp)) }
        var poolSQLThroughput: Double { median(poolSQL.map(\.opsPerSecond)) }
        var libmongocThroughput: Double { median(libmongoc.map(\.opsPerSecond)) }
        var nodeThroughput: Double? { node.isEmpty ? nil : median(node.map(\.opsPerSecond)) }
    }

    func run() throws -> Result {
        let pool = try MongoPool(name: "bench_ping", uri: uri, options: PoolOptions(maxPoolSize: threads))
        defer { pool.close() }
        let raw = try RawMongocPool(uri: uri, maxPoolSize: Int32(clamping: threads))

        let poolSQLPing: @Sendable () -> () throws -> Void = { { try pool.ping() } }
        // Each thread keeps one reply buffer, as a C program keeps its `bson_t reply` on the stack.
        let libmongocPing: @Sendable () -> () throws -> Void = {
            let reply = RawMongocPool.ReplyBuffer()
            return { try raw.ping(reply: reply) }
        }
        // Warm-up: every thread's connection gets established on both pools.
        if warmupSeconds > 0, measurePoolSQL {
            _ = try ConcurrentRunner.measure(threads: threads, seconds: warmupSeconds, makeOperation: poolSQLPing)
        }
        if warmupSeconds > 0, measureLibmongoc {
            _ = try ConcurrentRunner.measure(threads: threads, seconds: warmupSeconds, makeOperation: libmongocPing)
        }

        var result = Result(poolSQL: [], libmongoc: [], node: [], nodeUnavailable: node == nil ? "not measured (--no-node or --clients)" : nil)
        for repetition in 0..<repetitions {
            // Alternate the order so slow phases of a shared machine hit every client alike.
            let order = repetition % 2 == 0 ? [0, 1, 2] : [2, 1, 0]
            for client in order {
                switch client {
                case 0:
                    guard measurePoolSQL else { continue }
                    result.poolSQL.append(try ConcurrentRunner.measure(threads: threads, seconds: seconds, makeOperation: poolSQLPing))
                case 1:
                    guard measureLibmongoc else { continue }
                    result.libmongoc.append(try ConcurrentRunner.measure(threads: threads, seconds: seconds, makeOperation: libmongocPing))
                default:
                    guard let node, result.nodeUnavailable == nil else { continue }
                    do {
                        result.node.append(try node.run(uri: uri, workers: threads, seconds: seconds, warmupSeconds: warmupSeconds))
                    } catch let error as PoolSQLError {
                        result.nodeUnavailable = error.message
                        result.node.removeAll()
                    }
                }
            }
        }
        return result
    }
}

