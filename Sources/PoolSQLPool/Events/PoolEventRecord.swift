import PoolSQLCore

/// The CMAP events a connection pool records compactly (no strings, no detail): the ones of
/// every checkout and check-in, and the connection events without a message. Everything else
/// is recorded as a whole `PoolEvent`.
enum CompactEventKind: UInt8, Sendable {
    case connectionCreated
    case connectionReady
    case connectionClosed
    case connectionCheckOutStarted
    case connectionCheckOutFailed
    case connectionCheckedOut
    case connectionCheckedIn

    var type: PoolEventType {
        switch self {
        case .connectionCreated: return .connectionCreated
        case .connectionReady: return .connectionReady
        case .connectionClosed: return .connectionClosed
        case .connectionCheckOutStarted: return .connectionCheckOutStarted
        case .connectionCheckOutFailed: return .connectionCheckOutFailed
        case .connectionCheckedOut: return .connectionCheckedOut
        case .connectionCheckedIn: return .connectionCheckedIn
        }
    }
}

/// One slot of a `PoolEventLog`'s ring: plain values only, so recording one is a copy of a few
/// words with no reference counting. The pool name and server address are an index into the
/// log's table of sources; a `PoolEvent` is built from it only when someone reads the buffer.
/// Events with text (details, SDAM events) are kept whole beside the ring (`isWhole`).
struct PoolEventRecord: Sendable {
    /// The event's position in emission order (0-based).
    var sequence: Int
    var timeMicroseconds: Int64
    /// `noValue` when the event has no duration.
    var durationNanoseconds: Int64
    /// `noValue` when the event is not about a connection.
    var connectionID: Int
    var source: Int32
    var kind: CompactEventKind
    var reason: PoolEventReason?
    var isWhole: Bool

    static let noValue = Int.min

    init(sequence: Int, timeMicroseconds: Int64, durationNanoseconds: Int64, connectionID: Int, source: Int32,
         kind: CompactEventKind, reason: PoolEventReason?) {
        self.sequence = sequence
        self.timeMicroseconds = timeMicroseconds
        self.durationNanoseconds = durationNanoseconds
        self.connectionID = connectionID
        self.source = source
        self.kind = kind
        self.reason = reason
        self.isWhole = false
    }

    /// The slot of an event kept whole.
    init(wholeEventAt sequence: Int) {
        self.init(sequence: sequence, timeMicroseconds: 0, durationNanoseconds: Int64(PoolEventRecord.noValue),
                  connectionID: PoolEventRecord.noValue, source: 0, kind: .connectionCreated, reason: nil)
        isWhole = true
    }
}

/// Who emits a pool's compact events: the pool name and the server of one `ConnectionPool`.
struct PoolEventSource: Sendable, Equatable {
    var poolName: String
    var address: ServerAddress
}
