import Dispatch
import Foundation
import PoolSQLCore
import Synchronization

/// The thread that checks a pool's health: once at creation, then every
/// `healthCheckIntervalMS`, and at once (at most every 500 ms, SDAM's minimum heartbeat
/// interval) when an operation's error cleared a per-server pool — SDAM's "immediate check", so
/// a pool paused by a clear is ready again as soon as its server answers.
///
/// A dedicated OS thread: the checks block in libmongoc.
final class PoolSupervisor: Sendable {
    private let wakeUp = DispatchSemaphore(value: 0)
    private let stopped = Atomic<Bool>(false)
    private let checkRequested = Atomic<Bool>(false)
    /// The shortest time between two checks asked for by errors.
    static let minimumCheckInterval: Duration = .milliseconds(500)

    func start(pool: MongoPool) {
        let thread = Thread { [weak pool, self] in
            self.run(pool: pool)
        }
        thread.name = "poolsql-supervisor"
        thread.start()
    }

    private func run(pool weakPool: MongoPool?) {
        weak let pool = weakPool
        var lastCheck: ContinuousClock.Instant?
        while !stopped.load(ordering: .acquiring) {
            guard let current = pool else { return }
            let interval = current.options.healthCheckIntervalMS
            let now = ContinuousClock.now
            let periodicDue = lastCheck == nil || (interval > 0 && now - (lastCheck ?? now) >= .milliseconds(interval))
            let requestedDue = checkRequested.load(ordering: .acquiring)
                && (lastCheck.map { now - $0 >= PoolSupervisor.minimumCheckInterval } ?? true)
            if periodicDue || requestedDue {
                checkRequested.store(false, ordering: .releasing)
                current.runHealthCheck()
                lastCheck = ContinuousClock.now
            }
            var sleep: Duration = .milliseconds(interval > 0 ? interval : 60_000)
            if let lastCheck {
                sleep = max(.zero, lastCheck + sleep - ContinuousClock.now)
                if checkRequested.load(ordering: .acquiring) {
                    sleep = max(.milliseconds(1), min(sleep, lastCheck + PoolSupervisor.minimumCheckInterval - ContinuousClock.now))
                }
            }
            _ = wakeUp.wait(timeout: .now() + .nanoseconds(Int(min(sleep.components.seconds, 3_600) * 1_000_000_000
                + sleep.components.attoseconds / 1_000_000_000)))
        }
    }

    /// Asks for a check soon (an operation's error cleared a pool).
    func requestCheck() {
        if checkRequested.exchange(true, ordering: .acquiringAndReleasing) { return }
        wakeUp.signal()
    }

    /// Re-reads the options (the check interval changed).
    func wake() {
        wakeUp.signal()
    }

    func stop() {
        stopped.store(true, ordering: .releasing)
        wakeUp.signal()
    }
}
