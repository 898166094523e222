import Foundation
import PoolSQLCore
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A scripted three-member replica set ("rs0") for topology tests: `scripts/mock_replica_set.py`
/// (MockupDB servers on free loopback ports) driven over its stdin/stdout.
///
/// Member 0 starts as primary. `stepDown()` makes the next live member primary, `kill(_:)` stops a
/// member, `revive(_:)` starts it again on its old port. Every call waits for the script's answer,
/// so the change is in effect (for the next hello) when it returns.
public final class MockReplicaSet: Sendable {
    /// The script's report of the set, after every command.
    public struct State: Sendable, Decodable, Equatable {
        public var ports: [Int]
        public var primary: Int
        public var alive: [Bool]
        public var setName: String
    }

    /// What clients sent: counts of commands other than hello/isMaster, and the application names
    /// of their handshakes.
    public struct Observed: Sendable, Decodable, Equatable {
        public var commands: [String: Int]
        public var appNames: [String]
    }

    private struct Answer: Decodable {
        var error: String?
    }

    public let ports: [Int]
    public let setName: String
    private let pid: pid_t
    private let control: AnnotatedMutex<Pipes?>
    public let logPath: String

    struct Pipes: Sendable {
        var input: Int32
        var output: Int32
        var pending: [UInt8] = []
    }

    /// How long to wait for the script to start or to answer a command.
    public static let answerTimeout: Duration = .seconds(30)

    /// `mongodb://127.0.0.1:p0,127.0.0.1:p1,127.0.0.1:p2/?replicaSet=rs0` plus `options`
    /// (e.g. `heartbeatFrequencyMS=500`).
    public func uri(options: String = "") -> String {
        let hosts = ports.map { "127.0.0.1:\($0)" }.joined(separator: ",")
        return "mongodb://\(hosts)/?replicaSet=\(setName)" + (options.isEmpty ? "" : "&\(options)")
    }

    /// `127.0.0.1:<port>` of member `index`.
    public func host(_ index: Int) -> String { "127.0.0.1:\(ports[index])" }

    /// Starts the script and waits until all three members listen. Throws (never skips) when
    /// Python or mockupdb is missing, with a hint on how to set them up.
    public init() throws {
        guard let python = MockReplicaSet.findPython() else {
            throw PoolSQLError(.sqlClientUnableToEstablishConnection, "no Python with mockupdb found for the mock replica set",
                               hint: MockReplicaSet.setupHint)
        }
        let script = MockReplicaSet.packageRoot.appendingPathComponent("scripts/mock_replica_set.py").path
        logPath = FileManager.default.temporaryDirectory
            .appendingPathComponent("poolsql-mockrs-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString).log").path
        // A command written after the script died must fail with EPIPE, not kill the test process.
        signal(SIGPIPE, SIG_IGN)
        let (pid, input, output) = try MockReplicaSet.spawn(executable: python, arguments: ["-u", script], logPath: logPath)
        self.pid = pid
        var pipes = Pipes(input: input, output: output)
        let first: State
        do {
            let line = try MockReplicaSet.readLine(&pipes, deadline: ContinuousClock.now + MockReplicaSet.answerTimeout, logPath: logPath)
            first = try MockReplicaSet.decode(line, logPath: logPath)
        } catch {
            MockReplicaSet.terminate(pid: pid, pipes: pipes)
            throw error
        }
        control = AnnotatedMutex(pipes)
        ports = first.ports
        setName = first.setName
    }

    deinit { stop() }

    @discardableResult public func stepDown() throws -> State { try send("stepdown") }
    @discardableResult public func kill(_ member: Int) throws -> State { try send("kill \(member)") }
    @discardableResult public func revive(_ member: Int) throws -> State { try send("revive \(member)") }
    public func state() throws -> State { try send("state") }
    public func observed() throws -> Observed { try send("observed") }

    /// Stops all members and the script. Safe to call more than once.
    public func stop() {
        let pipes = control.withLock { pipes -> Pipes? in
            defer { pipes = nil }
            return pipes
        }
        if let pipes { MockReplicaSet.terminate(pid: pid, pipes: pipes) }
    }

    private func send<Reply: Decodable>(_ command: String) throws -> Reply {
        try control.withLock { pipes in
            guard var current = pipes else { throw PoolSQLError(.objectNotInPrerequisiteState, "the mock replica set is stopped") }
            let line = Array((command + "\n").utf8)
            let written = line.withUnsafeBytes { write(current.input, $0.baseAddress, $0.count) }
            guard written == line.count else {
                throw PoolSQLError(.ioError, "could not send \"\(command)\" to the mock replica set", detail: logTail())
            }
            let answer = try MockReplicaSet.readLine(&current, deadline: ContinuousClock.now + MockReplicaSet.answerTimeout, logPath: logPath)
            pipes = current
            return try MockReplicaSet.decode(answer, logPath: logPath)
        }
    }

    public func logTail(lines: Int = 20) -> String {
        MockReplicaSet.logTail(logPath, lines: lines)
    }
}

extension MockReplicaSet {
    public static let setupHint = """
        The mock replica set needs Python with the mockupdb package: run scripts/setup.sh (it creates \
        the repository's .venv), or set POOLSQL_PYTHON=/path/to/python that can `import mockupdb`.
        """

    static var packageRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    /// `POOLSQL_PYTHON`, else the package's `.venv/bin/python`, else `/work/main/.venv/bin/python`.
    public static func findPython() -> String? {
        if let configured = ProcessInfo.processInfo.environment["POOLSQL_PYTHON"], !configured.isEmpty {
            return FileManager.default.isExecutableFile(atPath: configured) ? configured : nil
        }
        let candidates = [packageRoot.appendingPathComponent(".venv/bin/python").path, "/work/main/.venv/bin/python"]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// posix_spawn with stdin and stdout on pipes, stderr to `logPath`, and a clear signal mask
    /// (a test process blocks SIGTERM on its threads; a child inheriting that would ignore it).
    static func spawn(executable: String, arguments: [String], logPath: String) throws -> (pid_t, Int32, Int32) {
        var toChild: [Int32] = [0, 0]
        var fromChild: [Int32] = [0, 0]
        guard pipe(&toChild) == 0 else { throw PoolSQLError(.ioError, "pipe() failed: errno \(errno)") }
        guard pipe(&fromChild) == 0 else {
            close(toChild[0]); close(toChild[1])
            throw PoolSQLError(.ioError, "pipe() failed: errno \(errno)")
        }
        let (pid, result) = ChildProcess.posixSpawn(executable: executable, arguments: arguments) { actions in
            posix_spawn_file_actions_adddup2(&actions, toChild[0], 0)
            posix_spawn_file_actions_adddup2(&actions, fromChild[1], 1)
            posix_spawn_file_actions_addopen(&actions, 2, logPath, O_WRONLY | O_CREAT | O_APPEND, 0o644)
            for fd in toChild + fromChild { posix_spawn_file_actions_addclose(&actions, fd) }
        }
        close(toChild[0])
        close(fromChild[1])
        guard result == 0 else {
            close(toChild[1]); close(fromChild[0])
            throw PoolSQLError(.ioError, "could not start \(executable): \(String(cString: strerror(result)))", hint: setupHint)
        }
        return (pid, toChild[1], fromChild[0])
    }

    /// One line from the script's stdout; fails on EOF (the script died) or at the deadline.
    static func readLine(_ pipes: inout Pipes, deadline: ContinuousClock.Instant, logPath: String) throws -> String {
        while true {
            if let newline = pipes.pending.firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: pipes.pending[..<newline], as: UTF8.self)
                pipes.pending.removeFirst(newline + 1)
                return line
            }
            let remaining = deadline - ContinuousClock.now
            if remaining <= .zero {
                throw PoolSQLError(.ioError, "the mock replica set did not answer within \(answerTimeout)",
                                   detail: logTail(logPath, lines: 20), hint: setupHint)
            }
            var poller = pollfd(fd: pipes.output, events: Int16(POLLIN), revents: 0)
            let milliseconds = Int32(clamping: remaining.components.seconds * 1000 + remaining.components.attoseconds / 1_000_000_000_000_000)
            let ready = poll(&poller, 1, max(1, milliseconds))
            if ready < 0 && errno == EINTR { continue }
            guard ready > 0 else { continue }
            var buffer = [UInt8](repeating: 0, count: 4096)
            let count = buffer.withUnsafeMutableBytes { read(pipes.output, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else {
                throw PoolSQLError(.ioError, "the mock replica set exited", detail: logTail(logPath, lines: 20), hint: setupHint)
            }
            pipes.pending.append(contentsOf: buffer[..<count])
        }
    }

    static func decode<Reply: Decodable>(_ line: String, logPath: String) throws -> Reply {
        let data = Data(line.utf8)
        if let answer = try? JSONDecoder().decode(Answer.self, from: data), let error = answer.error {
            throw PoolSQLError(.invalidParameterValue, "mock replica set: \(error)")
        }
        do {
            return try JSONDecoder().decode(Reply.self, from: data)
        } catch {
            throw PoolSQLError(.ioError, "unexpected answer from the mock replica set: \(line)", detail: logTail(logPath, lines: 20))
        }
    }

    /// Asks the script to quit (closing its stdin), SIGKILL after two seconds, reaps it.
    static func terminate(pid: pid_t, pipes: Pipes) {
        _ = "quit\n".withCString { write(pipes.input, $0, 5) }
        close(pipes.input)
        close(pipes.output)
        let deadline = ContinuousClock.now + .seconds(2)
        var status: Int32 = 0
        while waitpid(pid, &status, WNOHANG) == 0 {
            if ContinuousClock.now > deadline {
                Glibc.kill(pid, SIGKILL)
                waitpid(pid, &status, 0)
                return
            }
            Thread.sleep(forTimeInterval: 0.01)
        }
    }

    static func logTail(_ path: String, lines: Int) -> String {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return "(no log)" }
        return text.split(separator: "\n").suffix(lines).joined(separator: "\n")
    }
}
