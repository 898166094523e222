import Foundation
#if canImport(Glibc)
import Glibc
#endif
import PoolSQL
import PoolSQLREPL
import PoolSQLTestSupport
import Testing

/// The REPL side of `RUN LOAD TEST`: the progress line on a terminal, none in scripts, and
/// Ctrl-C stopping the test cleanly with its partial result kept.
@Suite(.serialized) struct LoadTestREPLTests {
    static func progress(done: Int, finished: Bool = false) -> LoadTestProgress {
        LoadTestProgress(poolName: "p", scenarioName: "peak_load", elapsedSeconds: 1.25, plannedSeconds: 30, completedOperations: done,
                         errors: 1, operationsPerSecond: 498.4, p95ResponseTimeMS: 2.3, connectionsInUse: 3, isFinished: finished)
    }

    @Test func theProgressLineRewritesItselfAndIsErasedAtTheEnd() {
        let sink = StringSink()
        let line = LoadTestProgressLine(output: sink) { 200 }
        line.show(Self.progress(done: 10))
        line.show(Self.progress(done: 20))
        line.show(Self.progress(done: 20, finished: true))
        let erase = "\r\u{1B}[K"
        #expect(sink.text == erase + Self.progress(done: 10).line + erase + Self.progress(done: 20).line + erase)
        #expect(Self.progress(done: 20).line == "load test p (peak_load): 1.3s/30.0s  20 ops  498 ops/s  p95 2.30 ms  1 error")
    }

    @Test func theProgressLineNeverWrapsAndNothingIsErasedIfNothingWasDrawn() {
        let sink = StringSink()
        let line = LoadTestProgressLine(output: sink) { 20 }
        line.show(Self.progress(done: 1, finished: true))
        #expect(sink.text.isEmpty)
        line.show(Self.progress(done: 1))
        #expect(sink.text == "\r\u{1B}[K" + String(Self.progress(done: 1).line.prefix(19)))
    }

    @Test func aScriptGetsNoProgressNoise() throws {
        let server = try SecantusServer()
        let run = try PoolsqlProcessTests().poolsql(
            ["--no-init", "--format", "csv", "-c",
             "CREATE POOL p URI '\(server.uri)'; RUN LOAD TEST ON POOL p WITH (concurrency = 2, duration = '1s', operation = 'ping')"])
        #expect(run.status == 0, "\(run.standardError)")
        #expect(!run.standardOutput.contains("load test p:"))
        #expect(!run.standardOutput.contains("\u{1B}"))
        #expect(run.standardOutput.hasPrefix("test_id,pool_name,scenario_name,"))
    }

    @Test func ctrlCStopsALoadTestInTheREPLAndKeepsThePartialResult() throws {
        let server = try SecantusServer()
        let terminal = try PseudoTerminal()
        let process = Process()
        process.executableURL = try PoolsqlProcessTests.executableURL()
        process.arguments = ["--no-init", "--format", "csv"]
        var environment = ProcessInfo.processInfo.environment
        environment["HOME"] = FileManager.default.temporaryDirectory.appendingPathComponent("poolsql-no-home-\(UUID().uuidString)").path
        environment["POOLSQL_HISTFILE"] = "/dev/null"
        environment["TERM"] = "dumb"
        environment["XDG_DATA_HOME"] = nil
        environment["POOLSQL_DATA_DIR"] = nil
        process.environment = environment
        process.standardInput = terminal.follower
        process.standardOutput = terminal.follower
        process.standardError = terminal.follower
        try process.run()
        defer { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }

        #expect(terminal.read(until: "poolsql=> ") != nil, "no prompt: \(terminal.transcript)")
        terminal.write("CREATE POOL p URI '\(server.uri)';\n")
        #expect(terminal.read(until: "CREATE POOL") != nil)
        terminal.write("RUN LOAD TEST ON POOL p SCENARIO 'long' WITH (concurrency = 2, duration = '10min', operation = 'ping');\n")
        // The live progress line appears while the test runs…
        #expect(terminal.read(until: "load test p (long): ") != nil, "no progress line: \(terminal.transcript)")
        #expect(terminal.read(until: " ops/s  p95 ") != nil)
        // …and Ctrl-C stops the test; its row is printed and poolsql carries on.
        process.interrupt()
        let stopped = terminal.read(until: "poolsql=> ", timeout: 20)
        #expect(stopped?.contains("NOTICE:  load test stopped after") == true, "\(terminal.transcript)")
        #expect(stopped?.contains(",p,long,") == true)
        #expect(process.isRunning)
        terminal.write("SELECT count(*), min(total_operations) > 0 FROM load_test_results;\n")
        #expect(terminal.read(until: "1,t") != nil, "\(terminal.transcript)")
        terminal.write("\\q\n")
        let exitDeadline = Date().addingTimeInterval(30)
        while process.isRunning, Date() < exitDeadline { Thread.sleep(forTimeInterval: 0.05) }
        #expect(!process.isRunning, "poolsql did not exit: \(terminal.transcript)")
        if !process.isRunning { #expect(process.terminationStatus == 0) }
    }
}

/// A pseudo-terminal pair: the REPL gets the follower side as its terminal; the test reads and
/// writes the leader side.
final class PseudoTerminal {
    let leader: Int32
    let follower: FileHandle
    private(set) var transcript = ""

    init() throws {
        // Linux's /dev/ptmx interface; Swift's Glibc module has no posix_openpt. The ioctls
        // are TIOCSPTLCK (unlock the follower) and TIOCGPTN (its number), the same on x86_64
        // and arm64.
        leader = open("/dev/ptmx", O_RDWR | O_NOCTTY)
        var unlock: Int32 = 0
        var number: UInt32 = 0
        guard leader >= 0, ioctl(leader, UInt(0x4004_5431), &unlock) == 0, ioctl(leader, UInt(0x8004_5430), &number) == 0 else {
            throw PoolSQLError(.ioError, "could not open a pseudo-terminal")
        }
        let name = "/dev/pts/\(number)"
        let followerDescriptor = open(name, O_RDWR | O_NOCTTY)
        guard followerDescriptor >= 0 else { throw PoolSQLError(.ioError, "could not open \(name)") }
        follower = FileHandle(fileDescriptor: followerDescriptor, closeOnDealloc: true)
        var size = winsize(ws_row: 40, ws_col: 200, ws_xpixel: 0, ws_ypixel: 0)
        _ = ioctl(followerDescriptor, UInt(TIOCSWINSZ), &size)
    }

    deinit { close(leader) }

    func write(_ text: String) {
        let bytes = Array(text.utf8)
        _ = bytes.withUnsafeBytes { Glibc.write(leader, $0.baseAddress, $0.count) }
    }

    /// Reads until `marker` has appeared in what was read since the last match; returns that
    /// text, or nil after `timeout` seconds.
    func read(until marker: String, timeout: Double = 30) -> String? {
        let deadline = Date().addingTimeInterval(timeout)
        var pending = ""
        while Date() < deadline {
            if let range = pending.range(of: marker) {
                // What follows the marker is kept for the next read.
                let matched = String(pending[..<range.upperBound])
                unread = String(pending[range.upperBound...]) + unread
                return matched
            }
            if !unread.isEmpty {
                pending += unread
                unread = ""
                continue
            }
            var descriptors = [pollfd(fd: leader, events: Int16(POLLIN), revents: 0)]
            guard poll(&descriptors, 1, 100) > 0 else { continue }
            var buffer = [UInt8](repeating: 0, count: 4096)
            let count = Glibc.read(leader, &buffer, buffer.count)
            if count <= 0 { break }
            let text = String(decoding: buffer[0..<count], as: UTF8.self)
            transcript += text
            pending += text
        }
        unread = pending + unread
        return nil
    }

    private var unread = ""
}
