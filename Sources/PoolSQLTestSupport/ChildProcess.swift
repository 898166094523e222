import Foundation
import PoolSQLCore
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A child process started with `posix_spawn`, with the signal mask cleared and dispositions reset.
///
/// Foundation's `Process` passes on the parent's blocked-signal mask, and a test process blocks
/// SIGTERM and SIGINT on its threads, so a server launched with `Process` ignores `terminate()`.
/// Spawning it ourselves lets `stop()` shut it down gracefully.
final class ChildProcess: Sendable {
    let pid: pid_t
    /// The `waitpid` status once reaped.
    private let exitStatus = AnnotatedMutex<Int32?>(nil)

    private init(pid: pid_t) { self.pid = pid }

    /// Starts `executable` with `arguments`, stdout and stderr appended to `outputPath`, stdin
    /// from /dev/null, and the parent's environment.
    static func spawn(executable: String, arguments: [String], outputPath: String) throws -> ChildProcess {
        let (pid, result) = posixSpawn(executable: executable, arguments: arguments) { actions in
            posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
            posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_APPEND, 0o644)
            posix_spawn_file_actions_adddup2(&actions, 1, 2)
        }
        guard result == 0 else {
            throw PoolSQLError(.ioError, "could not start \(executable): \(String(cString: strerror(result)))",
                               hint: TestEnvironment.serverSetupHint)
        }
        return ChildProcess(pid: pid)
    }

    /// `posix_spawn` with an empty signal mask and default signal dispositions (a test process
    /// blocks SIGTERM on its threads; a child inheriting that would ignore `stop()`), the
    /// parent's environment, and the file actions `configure` adds. Returns the pid and
    /// posix_spawn's result (0 on success).
    static func posixSpawn(executable: String, arguments: [String],
                           configure: (inout posix_spawn_file_actions_t) -> Void) -> (pid_t, Int32) {
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        var allSignals = sigset_t()
        sigfillset(&allSignals)
        posix_spawnattr_setsigdefault(&attributes, &allSignals)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        configure(&actions)

        let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, executable, &actions, &attributes, argv, environ)
        return (pid, result)
    }

    /// Reaps the child if it has exited (never blocks).
    var isRunning: Bool {
        exitStatus.withLock { status in
            if status != nil { return false }
            var raw: Int32 = 0
            if waitpid(pid, &raw, WNOHANG) == pid {
                status = raw
                return false
            }
            return true
        }
    }

    var exitDescription: String {
        guard let status = exitStatus.withLock({ $0 }) else { return "still running" }
        let signal = status & 0x7F
        return signal == 0 ? "exit status \((status >> 8) & 0xFF)" : "killed by signal \(signal)"
    }

    /// SIGKILL at once (a crash), then reaps it.
    func killNow() {
        guard isRunning else { return }
        kill(pid, SIGKILL)
        exitStatus.withLock { status in
            var raw: Int32 = 0
            if status == nil, waitpid(pid, &raw, 0) == pid { status = raw }
        }
    }

    /// SIGTERM, then SIGKILL if it has not exited after `grace`; returns once it is reaped.
    func stop(grace: Duration) {
        guard isRunning else { return }
        kill(pid, SIGTERM)
        let deadline = ContinuousClock.now + grace
        while isRunning {
            if ContinuousClock.now > deadline {
                kill(pid, SIGKILL)
                exitStatus.withLock { status in
                    var raw: Int32 = 0
                    if status == nil, waitpid(pid, &raw, 0) == pid { status = raw }
                }
                return
            }
            Thread.sleep(forTimeInterval: 0.01)
        }
    }
}
