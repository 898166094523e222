import PoolSQLCore
import Foundation
import Synchronization

/// The events of one PoolSQL pool: a bounded ring buffer (what `connection_pool_events` shows)
/// plus the app's subscribers.
///
/// `emit` is called by the pools while they hold their own lock, so events are recorded in the
/// order they happened; subscriber handlers therefore run synchronously, in order, on the
/// emitting thread, and must be quick and must not call back into the pool (copy the event and
/// return).
public final class PoolEventLog: @unchecked Sendable {
    // @unchecked: `ring` is only touched under `lock`.
    private struct Subscriber: Sendable {
        let id: Int
        let handler: @Sendable (PoolEvent) -> Void
    }

    private struct Ring: Sendable {
        var capacity: Int
        var storage: [PoolEvent] = []
        /// Index of the oldest event once the buffer is full.
        var head = 0
        var subscribers: [Subscriber] = []
        var nextSubscriberID = 0
        /// Events emitted since creation, including those the ring has dropped.
        var emitted = 0

        mutating func append(_ event: consuming PoolEvent) {
            emitted += 1
            guard capacity > 0 else { return }
            if storage.count < capacity {
                storage.append(event)
            } else {
                storage[head] = event
                head = (head + 1) % capacity
            }
        }

        var ordered: [PoolEvent] {
            Array(storage[head...] + storage[..<head])
        }
    }

    /// A pthread mutex rather than `Mutex`: `emit` runs under the pools' locks on every
    /// checkout and check-in, and a plain lock/unlock with the event moved (not captured by a
    /// closure) into the ring keeps it to the copies it needs.
    private let lock = NSLock()
    @exclusivity(unchecked) private var ring: Ring

    /// `capacity` events are kept (the setting `connection_pool_event_buffer_size`, default 1000);
    /// older ones are dropped. 0 keeps none (subscribers still get every event).
    public init(capacity: Int = 1000) {
        ring = Ring(capacity: max(0, capacity))
    }

    public func emit(_ event: consuming PoolEvent) {
        lock.lock()
        defer { lock.unlock() }
        for subscriber in ring.subscribers { subscriber.handler(event) }
        ring.append(event)
    }

    private func withRing<T>(_ body: (inout Ring) throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body(&ring)
    }

    /// The buffered events, oldest first.
    public func events() -> [PoolEvent] {
        withRing { $0.ordered }
    }

    /// How many events were emitted in all (the buffer keeps only the last `capacity`).
    public var emittedCount: Int { withRing { $0.emitted } }

    public var capacity: Int {
        get { withRing { $0.capacity } }
    }

    /// Changes the buffer size live, keeping the newest events that fit.
    public func resize(capacity: Int) {
        withRing { ring in
            let kept = Array(ring.ordered.suffix(max(0, capacity)))
            ring.capacity = max(0, capacity)
            ring.storage = kept
            ring.head = 0
        }
    }

    /// Calls `handler` for every event from now on, until the subscription is cancelled.
    @discardableResult
    public func subscribe(_ handler: @escaping @Sendable (PoolEvent) -> Void) -> PoolEventSubscription {
        let id = withRing { ring -> Int in
            let id = ring.nextSubscriberID
            ring.nextSubscriberID += 1
            ring.subscribers.append(Subscriber(id: id, handler: handler))
            return id
        }
        // Strong: a weak reference would give the log a side table, which makes every
        // retain and release of it (several per checkout) take the runtime's slow path.
        return PoolEventSubscription { [self] in
            withRing { ring in ring.subscribers.removeAll { $0.id == id } }
        }
    }
}

/// Cancels an event subscription; cancelling twice does nothing.
public final class PoolEventSubscription: Sendable {
    private let onCancel: AnnotatedMutex<(@Sendable () -> Void)?>

    init(onCancel: @escaping @Sendable () -> Void) {
        self.onCancel = AnnotatedMutex(onCancel)
    }

    public func cancel() {
        let action = onCancel.withLock { action -> (@Sendable () -> Void)? in
            defer { action = nil }
            return action
        }
        action?()
    }
}
