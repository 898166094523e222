import Dispatch
import Foundation
import Synchronization

/// A dedicated OS thread that runs `body` until stopped, sleeping between rounds for the time
/// `body` returns (or until `wake()`).
///
/// The metrics work runs here, not on Swift's cooperative pool: store writes block (SQLite
/// fsyncs, a MongoDB round trip), and a blocked cooperative thread would starve the app's tasks.
final class BackgroundLoop: Sendable {
    private let wakeUp = DispatchSemaphore(value: 0)
    private let stopped = Atomic<Bool>(false)
    private let started = Atomic<Bool>(false)
    let name: String

    init(name: String) {
        self.name = name
    }

    /// Starts the thread (once). `body` returns how long to sleep before its next round.
    func start(_ body: @escaping @Sendable () -> Duration) {
        if started.exchange(true, ordering: .acquiringAndReleasing) { return }
        let thread = Thread { [self] in
            while !stopped.load(ordering: .acquiring) {
                let sleep = body()
                if stopped.load(ordering: .acquiring) { break }
                _ = wakeUp.wait(timeout: .now() + .milliseconds(BackgroundLoop.milliseconds(sleep)))
            }
        }
        thread.name = name
        thread.start()
    }

    /// Ends the sleep now (new work).
    func wake() {
        wakeUp.signal()
    }

    /// Asks the thread to stop; it ends after its current round. Not waited for: the last
    /// reference to the engine may be dropped on this very thread (its deinit stops the loops).
    func stop() {
        guard !stopped.exchange(true, ordering: .acquiringAndReleasing) else { return }
        wakeUp.signal()
    }

    var isRunning: Bool { started.load(ordering: .acquiring) && !stopped.load(ordering: .acquiring) }

    static func milliseconds(_ duration: Duration) -> Int {
        let (seconds, attoseconds) = duration.components
        let ms = min(max(seconds, 0), 86_400) * 1000 + max(attoseconds, 0) / 1_000_000_000_000_000
        return Int(max(ms, 1))
    }
}
