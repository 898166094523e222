import Foundation
import PoolSQLCore
import Synchronization

/// The events of one PoolSQL pool: a bounded ring buffer (what `connection_pool_events` shows)
/// plus the app's subscribers.
///
/// The log's lock is also the lock of every `ConnectionPool` that emits into it: a pool changes
/// its state and records the events of the change in one critical section (one lock per
/// checkout, one per check-in), so events are recorded in the order the transitions happened,
/// across all the server pools of a `MongoPool` and its SDAM events alike. Subscriber handlers
/// run synchronously, in order, on the emitting thread while that lock is held: they must be
/// quick and must not call back into the pool (copy the event and return).
///
/// Checkout and check-in events are stored compactly (`PoolEventRecord`: numbers only, the pool
/// name and address as an index); a `PoolEvent` is built only for subscribers (when there are
/// any) and when the buffer is read.
public final class PoolEventLog: @unchecked Sendable {
    // @unchecked: every `var` below is only touched while `lock` is held.
    private struct Subscriber: Sendable {
        let id: Int
        let handler: @Sendable (PoolEvent) -> Void
    }

    /// A pthread mutex rather than `Mutex`: see `ConnectionPoolLock` (contention, TSan).
    let lock = NSLock()
    /// The ring: `bufferCapacity` slots (at least one allocated), the first `filled` in use.
    /// Raw memory rather than an array: records are plain values, and storing one is then a
    /// copy, without the array's uniqueness and bounds checks on every event.
    @exclusivity(unchecked) private var ring: UnsafeMutablePointer<PoolEventRecord>
    @exclusivity(unchecked) private var filled = 0
    /// Index of the oldest record once the buffer is full.
    @exclusivity(unchecked) private var head = 0
    @exclusivity(unchecked) private var bufferCapacity: Int
    /// Events emitted since creation, including those the ring has dropped.
    @exclusivity(unchecked) private var emitted = 0
    /// The events kept whole, by sequence, while their record is in the ring.
    @exclusivity(unchecked) private var wholeEvents: [Int: PoolEvent] = [:]
    @exclusivity(unchecked) private var sources: [PoolEventSource] = []
    @exclusivity(unchecked) private var subscribers: [Subscriber] = []
    @exclusivity(unchecked) private var nextSubscriberID = 0
    /// `CLOCK_REALTIME − CLOCK_MONOTONIC` in nanoseconds: event times are monotonic readings
    /// shifted by it, so one clock read gives an event both its wall-clock time and the pool its
    /// timer reading. NTP slews both clocks alike, so the offset changes only when the wall
    /// clock is stepped; the pools' background threads re-read it (`synchronizeWallClock`).
    /// `Int64.min` until the first reading.
    private let wallClockOffset = Atomic<Int64>(.min)

    /// `capacity` events are kept (the setting `connection_pool_event_buffer_size`, default 1000);
    /// older ones are dropped. 0 keeps none (subscribers still get every event).
    public init(capacity: Int = 1000) {
        bufferCapacity = max(0, capacity)
        ring = .allocate(capacity: max(1, bufferCapacity))
        synchronizeWallClock()
    }

    deinit {
        // Records are plain values: nothing to deinitialize.
        ring.deallocate()
    }

    // MARK: Recording

    public func emit(_ event: PoolEvent) {
        lock.lock()
        defer { lock.unlock() }
        recordLocked(event)
    }

    /// Records a whole event. The caller holds `lock`.
    func recordLocked(_ event: PoolEvent) {
        for subscriber in subscribers { subscriber.handler(event) }
        let sequence = emitted
        emitted += 1
        guard bufferCapacity > 0 else { return }
        append(PoolEventRecord(wholeEventAt: sequence))
        wholeEvents[sequence] = event
    }

    /// Records a compact event of `source` (see `register(_:)`). The caller holds `lock`.
    func recordLocked(_ kind: CompactEventKind, source: Int32, timeMicroseconds: Int64, connectionID: Int = PoolEventRecord.noValue,
                      reason: PoolEventReason? = nil, durationNanoseconds: Int64 = Int64(PoolEventRecord.noValue)) {
        let record = PoolEventRecord(sequence: emitted, timeMicroseconds: timeMicroseconds, durationNanoseconds: durationNanoseconds,
                                     connectionID: connectionID, source: source, kind: kind, reason: reason)
        emitted += 1
        if !subscribers.isEmpty {
            let event = materialize(record)
            for subscriber in subscribers { subscriber.handler(event) }
        }
        guard bufferCapacity > 0 else { return }
        append(record)
    }

    private func append(_ record: PoolEventRecord) {
        if filled < bufferCapacity {
            (ring + filled).initialize(to: record)
            filled += 1
            return
        }
        if ring[head].isWhole { wholeEvents[ring[head].sequence] = nil }
        ring[head] = record
        head += 1
        if head == bufferCapacity { head = 0 }
    }

    /// Interns a pool's name and server for its compact events.
    func register(_ source: PoolEventSource) -> Int32 {
        withLock {
            // Server pools come and go with the topology; one entry per name and server.
            if let known = sources.firstIndex(of: source) { return Int32(known) }
            sources.append(source)
            return Int32(sources.count - 1)
        }
    }

    // MARK: Time

    /// The wall-clock time of a monotonic reading.
    func timestamp(at instant: PoolInstant) -> Timestamp {
        Timestamp(microseconds: microseconds(at: instant))
    }

    func microseconds(at instant: PoolInstant) -> Int64 {
        (instant.nanoseconds &+ wallClockOffset.load(ordering: .relaxed)) / 1_000
    }

    /// Re-reads the offset between the wall clock and the monotonic clock. Only a step of the
    /// wall clock (a change of more than a millisecond) is taken over, and event times follow it
    /// from then on; the jitter of reading two clocks one after the other is not, so event
    /// times stay monotonic between steps.
    func synchronizeWallClock() {
        let before = PoolInstant.now()
        var wall = timespec()
        clock_gettime(CLOCK_REALTIME, &wall)
        let after = PoolInstant.now()
        let midpoint = before.nanoseconds &+ (after - before) / 2
        let offset = (Int64(wall.tv_sec) &* 1_000_000_000 &+ Int64(wall.tv_nsec)) &- midpoint
        let current = wallClockOffset.load(ordering: .relaxed)
        if current == .min || abs(offset &- current) > 1_000_000 {
            wallClockOffset.store(offset, ordering: .relaxed)
        }
    }

    // MARK: Reading

    private func materialize(_ record: PoolEventRecord) -> PoolEvent {
        if record.isWhole, let event = wholeEvents[record.sequence] { return event }
        let source = sources[Int(record.source)]
        return PoolEvent(
            time: Timestamp(microseconds: record.timeMicroseconds), poolName: source.poolName, type: record.kind.type,
            serverAddress: source.address,
            connectionID: record.connectionID == PoolEventRecord.noValue ? nil : record.connectionID,
            reason: record.reason,
            durationMS: record.durationNanoseconds == Int64(PoolEventRecord.noValue)
                ? nil : PoolInstant.milliseconds(nanoseconds: record.durationNanoseconds))
    }

    private func withLock<T>(_ body: () throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body()
    }

    private var orderedRecords: [PoolEventRecord] {
        (0..<filled).map { ring[(head + $0) % filled] }
    }

    /// The buffered events, oldest first.
    public func events() -> [PoolEvent] {
        withLock { orderedRecords.map(materialize) }
    }

    /// How many events were emitted in all (the buffer keeps only the last `capacity`).
    public var emittedCount: Int { withLock { emitted } }

    public var capacity: Int { withLock { bufferCapacity } }

    /// Changes the buffer size live, keeping the newest events that fit.
    public func resize(capacity: Int) {
        withLock {
            let newCapacity = max(0, capacity)
            let kept = Array(orderedRecords.suffix(newCapacity))
            let keptWhole = Set(kept.lazy.filter(\.isWhole).map(\.sequence))
            wholeEvents = wholeEvents.filter { keptWhole.contains($0.key) }
            bufferCapacity = newCapacity
            ring.deallocate()
            ring = .allocate(capacity: max(1, newCapacity))
            ring.initialize(from: kept, count: kept.count)
            filled = kept.count
            head = 0
        }
    }

    /// Calls `handler` for every event from now on, until the subscription is cancelled.
    @discardableResult
    public func subscribe(_ handler: @escaping @Sendable (PoolEvent) -> Void) -> PoolEventSubscription {
        let id = withLock { () -> Int in
            let id = nextSubscriberID
            nextSubscriberID += 1
            subscribers.append(Subscriber(id: id, handler: handler))
            return id
        }
        // Strong: a weak reference would give the log a side table, which makes every
        // retain and release of it take the runtime's slow path.
        return PoolEventSubscription { [self] in
            withLock { subscribers.removeAll { $0.id == id } }
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
