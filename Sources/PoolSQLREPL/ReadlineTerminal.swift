#if canImport(Glibc)
import Glibc
#endif
import CReadline
import Dispatch
import Foundation
import Synchronization

/// GNU readline through its callback interface, so that Ctrl-C can abandon the line being
/// edited: the SIGINT handler only writes a byte to a pipe, and the read loop, which polls the
/// terminal and that pipe, cleans readline up and reports `.interrupted`.
final class ReadlineTerminal {
    enum Event: Sendable, Hashable {
        case line(String)
        case endOfInput
        case interrupted
    }

    private var interruptPipe: (read: Int32, write: Int32) = (-1, -1)
    private var previousHandler: sighandler_t?

    func start() {
        poolsql_rl_use_poolsql_name()
        // Readline must not install its own SIGINT handler: ours abandons the line instead.
        poolsql_rl_set_catch_signals(0)
        var descriptors: [Int32] = [-1, -1]
        if pipe(&descriptors) == 0 {
            for descriptor in descriptors {
                _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) | O_NONBLOCK)
                _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC)
            }
            interruptPipe = (descriptors[0], descriptors[1])
            interruptWriteDescriptor.store(descriptors[1], ordering: .sequentiallyConsistent)
        }
        previousHandler = signal(SIGINT, handleInterruptSignal)
        // A parent may start us with SIGINT blocked (test runners do): Ctrl-C must still reach
        // the handler.
        var interrupt = sigset_t()
        sigemptyset(&interrupt)
        sigaddset(&interrupt, SIGINT)
        pthread_sigmask(SIG_UNBLOCK, &interrupt, nil)
    }

    func stop() {
        interruptWriteDescriptor.store(-1, ordering: .sequentiallyConsistent)
        if let previousHandler { signal(SIGINT, previousHandler) }
        if interruptPipe.read >= 0 {
            close(interruptPipe.read)
            close(interruptPipe.write)
        }
        interruptPipe = (-1, -1)
    }

    /// Shows `prompt` and reads one line with full editing.
    func readLine(prompt: String) -> Event {
        // A Ctrl-C pressed while a statement ran must not cancel the new prompt.
        drainInterrupts()
        deliveredLine.withLock { $0 = nil }
        prompt.withCString { rl_callback_handler_install($0, readlineLineHandler) }
        while true {
            var fds = [
                pollfd(fd: 0, events: Int16(POLLIN), revents: 0),
                pollfd(fd: interruptPipe.read, events: Int16(POLLIN), revents: 0),
            ]
            let ready = poll(&fds, interruptPipe.read >= 0 ? 2 : 1, -1)
            if ready < 0 {
                if errno == EINTR { continue }
                rl_callback_handler_remove()
                return .endOfInput
            }
            if fds[1].revents & Int16(POLLIN) != 0 {
                drainInterrupts()
                // Forget the half-typed line and leave readline's state clean for the next one.
                rl_free_line_state()
                rl_callback_sigcleanup()
                rl_callback_handler_remove()
                return .interrupted
            }
            if fds[0].revents & Int16(POLLNVAL) != 0 {
                // Standard input is gone: nothing more can be read.
                rl_callback_handler_remove()
                return .endOfInput
            }
            if fds[0].revents != 0 {
                rl_callback_read_char()
                if let event = deliveredLine.withLock({ $0 }) {
                    return event
                }
            }
        }
    }

    /// Runs `body` (a statement) while a helper thread watches for Ctrl-C and calls
    /// `onInterrupt` for each press, so a long statement (a load test) can stop cleanly
    /// instead of the process dying.
    func whileWatchingInterrupts<T>(_ onInterrupt: (@Sendable () -> Void)?, _ body: () -> T) -> T {
        guard let onInterrupt, interruptPipe.read >= 0 else { return body() }
        drainInterrupts()
        let descriptor = interruptPipe.read
        let done = Atomic<Bool>(false)
        let finished = DispatchSemaphore(value: 0)
        let watcher = Thread {
            while !done.load(ordering: .sequentiallyConsistent) {
                var fds = [pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)]
                // A short timeout, so the watcher ends soon after the statement.
                if poll(&fds, 1, 50) > 0, fds[0].revents & Int16(POLLIN) != 0 {
                    var byte: UInt8 = 0
                    var pressed = false
                    while read(descriptor, &byte, 1) > 0 { pressed = true }
                    if pressed { onInterrupt() }
                }
            }
            finished.signal()
        }
        watcher.name = "poolsql-interrupt-watcher"
        watcher.start()
        defer {
            done.store(true, ordering: .sequentiallyConsistent)
            finished.wait()
        }
        return body()
    }

    private func drainInterrupts() {
        guard interruptPipe.read >= 0 else { return }
        var byte: UInt8 = 0
        while read(interruptPipe.read, &byte, 1) > 0 {}
    }
}

/// The line readline hands to its callback, picked up by `ReadlineTerminal.readLine`.
private let deliveredLine = Mutex<ReadlineTerminal.Event?>(nil)
/// The pipe the SIGINT handler writes to; -1 when no REPL is reading.
private let interruptWriteDescriptor = Atomic<Int32>(-1)

private func readlineLineHandler(_ line: UnsafeMutablePointer<CChar>?) {
    if let line {
        let text = String(cString: line)
        free(line)
        deliveredLine.withLock { $0 = .line(text) }
    } else {
        deliveredLine.withLock { $0 = .endOfInput }
    }
    // Stop readline from redrawing the prompt before the statement has run and printed.
    rl_callback_handler_remove()
}

private func handleInterruptSignal(_ signal: Int32) {
    let descriptor = interruptWriteDescriptor.load(ordering: .relaxed)
    guard descriptor >= 0 else { return }
    var byte: UInt8 = 1
    _ = write(descriptor, &byte, 1)
}
