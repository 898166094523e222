import Foundation
import PoolSQLCore
import Synchronization

/// The Node.js driver's side of the ping benchmark: runs Benchmarks/node/ping_bench.js (one
/// repetition per call, so its runs interleave with the in-process ones) and reads the JSON line
/// it prints.
struct NodePingBenchmark: Sendable {
    let node: String
    let script: String

    struct Sample: Sendable, Codable {
        var operations: Int
        var wallSeconds: Double
        var cpuMicroseconds: Double
        var systemMicroseconds: Double
        var cpuMicrosecondsPerOp: Double
        var opsPerSecond: Double
    }

    private struct Output: Decodable {
        var driverVersion: String
        var runs: [Sample]
    }

    /// The driver version reported by the last run.
    private static let lastDriverVersion = Mutex<String?>(nil)

    static var driverVersion: String? { lastDriverVersion.withLock { $0 } }

    /// Runs one measured interval; a missing node, script or driver is a PoolSQLError whose
    /// message says so (the table then shows n/a).
    func run(uri: String, workers: Int, seconds: Double, warmupSeconds: Double) throws -> Sample {
        guard FileManager.default.isExecutableFile(atPath: node) else {
            throw PoolSQLError(.ioError, "node not found at \(node)")
        }
        guard FileManager.default.fileExists(atPath: script) else {
            throw PoolSQLError(.ioError, "ping_bench.js not found at \(script)")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: node)
        process.arguments = [script, "--uri", uri, "--workers", String(workers), "--seconds", String(seconds),
                             "--warmup-seconds", String(warmupSeconds), "--repetitions", "1"]
        var environment = ProcessInfo.processInfo.environment
        environment["NODE_NO_WARNINGS"] = "1"
        process.environment = environment
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        do {
            try process.run()
        } catch {
            throw PoolSQLError(.ioError, "could not start \(node): \(error)")
        }
        // Read both pipes to the end before waiting, so a chatty child cannot block on a full pipe.
        let errorData = Mutex(Data())
        let errorsRead = DispatchSemaphore(value: 0)
        let errorHandle = errors.fileHandleForReading
        Thread {
            let data = errorHandle.readDataToEndOfFile()
            errorData.withLock { $0 = data }
            errorsRead.signal()
        }.start()
        let outputData = output.fileHandleForReading.readDataToEndOfFile()
        errorsRead.wait()
        process.waitUntilExit()
        let errorText = String(decoding: errorData.withLock { $0 }, as: UTF8.self)
        guard process.terminationStatus == 0 else {
            let lastLine = errorText.split(separator: "\n").first { $0.contains("Error") } ?? Substring(errorText)
            throw PoolSQLError(.ioError, "ping_bench.js failed (exit \(process.terminationStatus)): \(lastLine)")
        }
        guard let line = String(decoding: outputData, as: UTF8.self).split(separator: "\n").last,
              let decoded = try? JSONDecoder().decode(Output.self, from: Data(line.utf8)),
              let sample = decoded.runs.first
        else {
            throw PoolSQLError(.ioError, "ping_bench.js printed no result line")
        }
        NodePingBenchmark.lastDriverVersion.withLock { $0 = decoded.driverVersion }
        return sample
    }
}
