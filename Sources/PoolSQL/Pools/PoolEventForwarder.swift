import PoolSQLCore
import PoolSQLPool
import Synchronization

/// Forwards every event of one pool's log to the engine's event hub, including the events the
/// pool emitted before it was attached (its `pool_created`, the first heartbeats): those are
/// replayed from the pool's buffer, in order and without duplicates, before any later event.
///
/// A pool emits from the moment its initializer runs, so subscribing afterwards alone would miss
/// them. The log's handlers run under the log's lock, where the log cannot be read, so the
/// forwarder works with positions: it subscribes at a known `emittedCount` (retrying when an event
/// slips in while it subscribes), holds new events back while it replays the buffered ones up to
/// that position, then releases them.
enum PoolEventForwarder {
    private struct GateState: Sendable {
        var open = false
        var held: [PoolEvent] = []
    }

    /// Shared between the subscription handler and the attaching thread.
    private final class Gate: Sendable {
        let state = AnnotatedMutex(GateState())
    }

    /// How often to try for a quiet moment. Each try is a few lock acquisitions; a pool emits at
    /// most a handful of events per checkout, so it is quiet between two of them almost always.
    private static let attempts = 10_000

    /// Attaches `log` to `hub`. The forwarding lasts as long as the log.
    static func forward(_ log: PoolEventLog, to hub: PoolEventLog) {
        let gate = Gate()
        var subscribedAt: Int?
        for _ in 0..<attempts {
            let before = log.emittedCount
            let subscription = log.subscribe { event in
                gate.state.withLock { gate in
                    if gate.open { hub.emit(event) } else { gate.held.append(event) }
                }
            }
            if log.emittedCount == before {
                subscribedAt = before
                break
            }
            subscription.cancel()
            gate.state.withLock { $0.held.removeAll() }
        }
        guard let subscribedAt else {
            // The pool never went quiet long enough: forward from now on without the replay.
            _ = log.subscribe { hub.emit($0) }
            return
        }
        for event in bufferedEvents(of: log, upTo: subscribedAt) { hub.emit(event) }
        gate.state.withLock { gate in
            for event in gate.held { hub.emit(event) }
            gate.held.removeAll()
            gate.open = true
        }
    }

    /// The buffered events whose position (1-based, in emission order) is at most `position`.
    private static func bufferedEvents(of log: PoolEventLog, upTo position: Int) -> [PoolEvent] {
        for _ in 0..<attempts {
            let countBefore = log.emittedCount
            let buffered = log.events()
            guard log.emittedCount == countBefore else { continue }
            // buffered.last is event number countBefore; buffered[i] is number countBefore - count + 1 + i.
            let keep = position - (countBefore - buffered.count)
            return Array(buffered.prefix(max(0, keep)))
        }
        return []
    }
}
