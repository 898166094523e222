import Foundation
import PoolSQLCore
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A throw-away SecantusDB server (a MongoDB wire-protocol server) for tests: a free loopback
/// port, a fresh storage directory, test commands enabled (`configureFailPoint`). It can be
/// stopped and started again on the same port and storage, for restart tests, and is killed
/// (and its storage removed) when the object goes away.
///
/// Startup is fast (about 0.3 s until the port accepts connections on the reference machine);
/// readiness is detected by connecting to the port, which is more robust than parsing its log
/// line (`INFO secantus.server: secantus listening on 127.0.0.1:<port>`).
public final class SecantusServer: Sendable {
    public let executable: String
    public let port: Int
    /// The server's WiredTiger home; reused across `stop()`/`start()`.
    public let storagePath: String
    /// Where the server's stdout and stderr go (appended across restarts).
    public let logPath: String
    private let workDirectory: URL
    private let process = AnnotatedMutex<ChildProcess?>(nil)
    private let lastStartup = AnnotatedMutex<Duration?>(nil)

    /// How long to wait for the port to accept connections.
    public static let startupTimeout: Duration = .seconds(30)

    /// `mongodb://127.0.0.1:<port>/`.
    public var uri: String { "mongodb://127.0.0.1:\(port)/" }

    /// How long the last `start()` took until the port accepted connections.
    public var startupTime: Duration? { lastStartup.withLock { $0 } }

    /// Starts a server and waits until it accepts connections. Throws a PoolSQLError that says how
    /// to set SecantusDB up when the binary is missing or the server does not come up.
    public init(executable: String? = nil) throws {
        guard let resolved = executable ?? SecantusServer.findExecutable() else {
            throw PoolSQLError(.sqlClientUnableToEstablishConnection, "SecantusDB (secantusd-py) was not found",
                               hint: TestEnvironment.serverSetupHint)
        }
        self.executable = resolved
        self.port = try SecantusServer.freeLoopbackPort()
        workDirectory = FileManager.default.temporaryDirectory
            .appendingPathComponent("poolsql-secantus-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: workDirectory, withIntermediateDirectories: true)
        storagePath = workDirectory.appendingPathComponent("data").path
        logPath = workDirectory.appendingPathComponent("secantusd.log").path
        FileManager.default.createFile(atPath: logPath, contents: nil)
        try start()
    }

    deinit {
        // A throw-away server's storage is deleted next, so there is nothing to shut down
        // gracefully: SIGKILL right away keeps test teardown fast.
        process.withLock { current in
            current?.killNow()
            current = nil
        }
        try? FileManager.default.removeItem(at: workDirectory)
    }

    /// `POOLSQL_SECANTUSD`, else `secantusd-py` on PATH, else the repository's `.venv` that
    /// `scripts/setup.sh` creates (so a plain `swift test` works after set-up).
    public static func findExecutable() -> String? {
        let environment = ProcessInfo.processInfo.environment
        if let configured = environment["POOLSQL_SECANTUSD"], !configured.isEmpty {
            return FileManager.default.isExecutableFile(atPath: configured) ? configured : nil
        }
        for directory in (environment["PATH"] ?? "").split(separator: ":") {
            let candidate = "\(directory)/secantusd-py"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        let fallback = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent(".venv/bin/secantusd-py").path
        return FileManager.default.isExecutableFile(atPath: fallback) ? fallback : nil
    }

    /// Starts the server (again) on the same port and storage and waits until it accepts
    /// connections; `extraArguments` are added to the command line (e.g. `["--auth"]` to
    /// require authentication after users were created). Does nothing if it is running.
    public func start(extraArguments: [String] = []) throws {
        try process.withLock { current in
            if let running = current, running.isRunning { return }
            let began = ContinuousClock.now
            let launched = try ChildProcess.spawn(
                executable: executable,
                arguments: ["--host", "127.0.0.1", "--port", String(port), "--storage-path", storagePath,
                            "--enable-test-commands", "--log-level", "INFO"] + extraArguments,
                outputPath: logPath)
            current = launched
            let deadline = began + SecantusServer.startupTimeout
            while !SecantusServer.acceptsConnections(port: port) {
                if !launched.isRunning {
                    throw PoolSQLError(.sqlClientUnableToEstablishConnection,
                                       "SecantusDB exited during startup (\(launched.exitDescription))",
                                       detail: logTail(), hint: TestEnvironment.serverSetupHint)
                }
                if ContinuousClock.now > deadline {
                    launched.stop(grace: .seconds(5))
                    throw PoolSQLError(.sqlClientUnableToEstablishConnection,
                                       "SecantusDB did not accept connections on port \(port) within \(SecantusServer.startupTimeout)",
                                       detail: logTail(), hint: TestEnvironment.serverSetupHint)
                }
                Thread.sleep(forTimeInterval: 0.02)
            }
            let elapsed = ContinuousClock.now - began
            lastStartup.withLock { $0 = elapsed }
        }
    }

    /// Stops the server (SIGTERM, SIGKILL after 10 s) and waits until it has exited.
    public func stop() {
        process.withLock { current in
            current?.stop(grace: .seconds(10))
            current = nil
        }
    }

    public var isRunning: Bool { process.withLock { $0?.isRunning ?? false } }

    /// Hangs the server (SIGSTOP): its sockets stay open but nothing answers, as with a server
    /// stuck in a long GC pause or a frozen VM.
    /// Returns once the kernel reports the process stopped (SIGSTOP is delivered
    /// asynchronously; a busy machine could otherwise let it answer one more request).
    public func suspend() {
        let pid = process.withLock { current -> pid_t? in
            guard let pid = current?.pid else { return nil }
            _ = kill(pid, SIGSTOP)
            return pid
        }
        guard let pid else { return }
        let deadline = ContinuousClock.now + .seconds(5)
        while ContinuousClock.now < deadline {
            // /proc/<pid>/stat: "pid (comm) S …" — the state letter follows the closing parenthesis.
            if let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
               let close = stat.lastIndex(of: ")"),
               stat[stat.index(after: close)...].trimmingCharacters(in: .whitespaces).hasPrefix("T") {
                return
            }
            Thread.sleep(forTimeInterval: 0.005)
        }
    }

    /// Lets a suspended server run again (SIGCONT).
    public func resume() {
        process.withLock { current in
            if let pid = current?.pid { _ = kill(pid, SIGCONT) }
        }
    }

    /// Kills the server without warning (SIGKILL), as a crash would, and waits until it is gone.
    public func crash() {
        process.withLock { current in
            current?.killNow()
            current = nil
        }
    }

    /// The last lines of the server log, for failure messages.
    public func logTail(lines: Int = 20) -> String {
        guard let text = try? String(contentsOfFile: logPath, encoding: .utf8) else { return "(no server log)" }
        return text.split(separator: "\n").suffix(lines).joined(separator: "\n")
    }

    /// A port the kernel just handed out for 127.0.0.1 (bind to port 0, read it back, release).
    static func freeLoopbackPort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw PoolSQLError(.ioError, "socket() failed: errno \(errno)") }
        defer { close(fd) }
        var address = loopbackAddress(port: 0)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0 else { throw PoolSQLError(.ioError, "bind() failed: errno \(errno)") }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let named = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        guard named == 0 else { throw PoolSQLError(.ioError, "getsockname() failed: errno \(errno)") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// Whether a TCP connection to 127.0.0.1:`port` succeeds right now.
    public static func acceptsConnections(port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = loopbackAddress(port: port)
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        return result == 0
    }

    private static func loopbackAddress(port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        return address
    }
}
