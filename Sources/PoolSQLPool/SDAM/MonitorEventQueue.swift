import Dispatch
import PoolSQLCore
import Synchronization

/// One SDAM event as the APM callback copied it out of libmongoc: plain Swift values only, so
/// nothing points into libmongoc memory once the callback has returned.
enum MonitorEvent: Sendable {
    case serverOpening(ServerAddress, at: Timestamp)
    case serverClosed(ServerAddress, at: Timestamp)
    /// `roundTripTimeMS` is libmongoc's running average (nil while unknown); `helloJSON` is the
    /// new description's hello reply as relaxed extended JSON (nil for Unknown servers). The
    /// previous description is not copied: the tracker chains changes from the type it last
    /// reported (see `TopologyTracker.update`).
    case serverChanged(ServerAddress, at: Timestamp, newType: String, roundTripTimeMS: Double?, helloJSON: String?)
    case topologyChanged(at: Timestamp, newType: String)
    case heartbeatSucceeded(ServerAddress, at: Timestamp, durationMicroseconds: Int64)
    case heartbeatFailed(ServerAddress, at: Timestamp, durationMicroseconds: Int64, error: DriverError)
    /// Not from libmongoc: the monitor destroyed its `mongoc_client_pool_t` (close or update),
    /// so whatever it still believes about the topology is no longer being kept up to date.
    case monitorStopped(at: Timestamp)
    /// Not from libmongoc: the dispatcher thread should exit after this.
    case finish
}

/// The hand-off between libmongoc's monitoring threads and the monitor's dispatcher thread.
///
/// The APM callbacks run on libmongoc's threads while libmongoc holds its topology lock, so they
/// must not block, call back into libmongoc or run user code: they only append to this queue.
/// One dispatcher thread takes events off in order and does the real work.
final class MonitorEventQueue: Sendable {
    private let items = AnnotatedMutex<[MonitorEvent]>([])
    /// Counts queued events, so the dispatcher sleeps while there are none.
    private let available = DispatchSemaphore(value: 0)

    func enqueue(_ event: MonitorEvent) {
        items.withLock { $0.append(event) }
        available.signal()
    }

    /// Blocks until an event is queued and returns the oldest one.
    func next() -> MonitorEvent {
        available.wait()
        return items.withLock { queue in queue.isEmpty ? .finish : queue.removeFirst() }
    }

    /// The queue behind an APM context pointer (see `TopologyMonitor+APM`).
    static func from(context: UnsafeMutableRawPointer?) -> MonitorEventQueue? {
        guard let context else { return nil }
        return Unmanaged<MonitorEventQueue>.fromOpaque(context).takeUnretainedValue()
    }
}
