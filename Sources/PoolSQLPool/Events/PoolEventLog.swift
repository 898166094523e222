import PoolSQLCore
import Synchronization

/// The events of one PoolSQL pool: a bounded ring buffer (what `connection_pool_events` shows)
/// plus the app's subscribers.
///
/// `emit` is called by the pools while they hold their own lock, so events are recorded in the
/// order they happened; subscriber handlers therefore run synchronously, in order, on the
/// emitting thread, and must be quick and must not call back into the pool (copy the event and
/// return).
public final class PoolEventLog: Sendable {
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

        mutating func append(_ event: PoolEvent) {
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

    private let ring: AnnotatedMutex<Ring>

    /// `capacity` events are kept (the setting `connection_pool_event_buffer_size`, default 1000);
    /// older ones are dropped. 0 keeps none (subscribers still get every event).
    public init(capacity: Int = 1000) {
        ring = AnnotatedMutex(Ring(capacity: max(0, capacity)))
    }

    public func emit(_ event: PoolEvent) {
        ring.withLock { ring in
            ring.append(event)
            for subscriber in ring.subscribers { subscriber.handler(event) }
        }
    }

    /// The buffered events, oldest first.
    public func events() -> [PoolEvent] {
        ring.withLock { $0.ordered }
    }

    /// How many events were emitted in all (the buffer keeps only the last `capacity`).
    public var emittedCount: Int { ring.withLock { $0.emitted } }

    public var capacity: Int {
        get { ring.withLock { $0.capacity } }
    }

    /// Changes the buffer size live, keeping the newest events that fit.
    public func resize(capacity: Int) {
        ring.withLock { ring in
            let kept = Array(ring.ordered.suffix(max(0, capacity)))
            ring.capacity = max(0, capacity)
            ring.storage = kept
            ring.head = 0
        }
    }

    /// Calls `handler` for every event from now on, until the subscription is cancelled.
    @discardableResult
    public func subscribe(_ handler: @escaping @Sendable (PoolEvent) -> Void) -> PoolEventSubscription {
        let id = ring.withLock { ring -> Int in
            let id = ring.nextSubscriberID
            ring.nextSubscriberID += 1
            ring.subscribers.append(Subscriber(id: id, handler: handler))
            return id
        }
        return PoolEventSubscription { [weak self] in
            self?.ring.withLock { ring in ring.subscribers.removeAll { $0.id == id } }
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
