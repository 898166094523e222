import Dispatch
import Foundation
import PoolSQLCore

/// The maintenance thread: a dedicated OS thread (libmongoc calls block, so they must never run
/// on Swift's cooperative pool) that expires idle connections, trims the pool after `maxPoolSize`
/// was lowered, keeps `minPoolSize` connections open and runs the periodic health check.
extension PoolCore {
    /// The longest the thread sleeps between rounds; it bounds how late an idle connection is
    /// closed after `maxIdleTimeMS`. Changes (`update`, `close`, check-ins that close a
    /// connection) wake it at once.
    static let maintenanceTick: Duration = .milliseconds(200)
    /// After failing to open a connection for `minPoolSize`, wait this long before trying again,
    /// so a down server is not hammered.
    static let refillBackoff: Duration = .seconds(1)

    func startMaintenanceThread() {
        let thread = Thread { [self] in
            self.runMaintenanceLoop()
        }
        thread.name = "poolsql-pool"
        thread.start()
    }

    private func runMaintenanceLoop() {
        var lastHealthCheck: ContinuousClock.Instant?
        var refillNotBefore: ContinuousClock.Instant?
        while true {
            let now = ContinuousClock.now
            let (closed, retired, options) = state.withLock { state in
                (state.closed, state.takeExpiredIdle(now: now) + state.takeExcessIdle(), state.options)
            }
            retired.forEach { $0.close() }
            if closed { break }

            // The first check runs as soon as the pool exists, then every healthCheckIntervalMS
            // (read afresh each round, so a live update takes effect at once).
            let interval = Duration.milliseconds(options.healthCheckIntervalMS)
            if lastHealthCheck == nil || (options.healthCheckIntervalMS > 0 && now - (lastHealthCheck ?? now) >= interval) {
                runHealthCheck()
                lastHealthCheck = ContinuousClock.now
            }

            if refillNotBefore.map({ ContinuousClock.now >= $0 }) ?? true {
                refillNotBefore = fillToMinimum() ? nil : ContinuousClock.now + PoolCore.refillBackoff
            }

            var sleep = PoolCore.maintenanceTick
            if options.healthCheckIntervalMS > 0, let lastHealthCheck {
                let untilNextCheck = lastHealthCheck + interval - ContinuousClock.now
                sleep = max(.zero, min(sleep, untilNextCheck))
            }
            let nanoseconds = sleep.components.seconds * 1_000_000_000 + sleep.components.attoseconds / 1_000_000_000
            _ = maintenanceWakeUp.wait(timeout: .now() + .nanoseconds(Int(nanoseconds)))
        }
        monitor.shutdown()
    }

    /// Opens connections until the pool holds `minPoolSize` (respecting `maxPoolSize` and
    /// `maxConnecting`). Returns false when opening one failed.
    private func fillToMinimum() -> Bool {
        while true {
            let slot = state.withLock { state -> Int? in
                guard !state.closed, state.total < state.options.minPoolSize, state.canStartOpening else { return nil }
                state.total += 1
                state.pending += 1
                return state.generation
            }
            guard let generation = slot else { return true }
            do {
                let client = try openConnection(generation: generation)
                let keep = state.withLock { state -> Bool in
                    state.pending -= 1
                    state.connectionsCreated += 1
                    if state.closed || client.generation != state.generation {
                        state.total -= 1
                        state.connectionsDestroyed += 1
                        return false
                    }
                    state.available.append((client, ContinuousClock.now))
                    state.serveWaiters()
                    return true
                }
                if !keep { client.close() }
            } catch {
                state.withLock { state in
                    state.pending -= 1
                    state.total -= 1
                    state.serveWaiters()
                }
                return false
            }
        }
    }
}
