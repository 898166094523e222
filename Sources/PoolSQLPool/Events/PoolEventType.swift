/// The kind of a pool event: the CMAP events and the SDAM events, named in snake_case as the
/// `connection_pool_events` table shows them. A struct over a string (not an enum) so kinds can
/// be added without breaking users who switch over them.
public struct PoolEventType: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public var description: String { rawValue }

    // CMAP (connection monitoring and pooling)
    public static let poolCreated = PoolEventType(rawValue: "pool_created")
    public static let poolReady = PoolEventType(rawValue: "pool_ready")
    public static let poolCleared = PoolEventType(rawValue: "pool_cleared")
    public static let poolClosed = PoolEventType(rawValue: "pool_closed")
    public static let connectionCreated = PoolEventType(rawValue: "connection_created")
    public static let connectionReady = PoolEventType(rawValue: "connection_ready")
    public static let connectionClosed = PoolEventType(rawValue: "connection_closed")
    public static let connectionCheckOutStarted = PoolEventType(rawValue: "connection_check_out_started")
    public static let connectionCheckOutFailed = PoolEventType(rawValue: "connection_check_out_failed")
    public static let connectionCheckedOut = PoolEventType(rawValue: "connection_checked_out")
    public static let connectionCheckedIn = PoolEventType(rawValue: "connection_checked_in")
    // SDAM (server discovery and monitoring)
    public static let serverOpening = PoolEventType(rawValue: "server_opening")
    public static let serverClosed = PoolEventType(rawValue: "server_closed")
    public static let serverDescriptionChanged = PoolEventType(rawValue: "server_description_changed")
    public static let topologyDescriptionChanged = PoolEventType(rawValue: "topology_description_changed")
    public static let serverHeartbeatSucceeded = PoolEventType(rawValue: "server_heartbeat_succeeded")
    public static let serverHeartbeatFailed = PoolEventType(rawValue: "server_heartbeat_failed")

    public static let cmap: [PoolEventType] = [
        .poolCreated, .poolReady, .poolCleared, .poolClosed, .connectionCreated, .connectionReady,
        .connectionClosed, .connectionCheckOutStarted, .connectionCheckOutFailed, .connectionCheckedOut,
        .connectionCheckedIn,
    ]
    public static let sdam: [PoolEventType] = [
        .serverOpening, .serverClosed, .serverDescriptionChanged, .topologyDescriptionChanged,
        .serverHeartbeatSucceeded, .serverHeartbeatFailed,
    ]

    /// The spec's own name (`ConnectionCheckOutStarted`, `ConnectionPoolCleared`…), as the CMAP
    /// spec tests write it.
    public var specName: String {
        switch self {
        case .poolCreated: return "ConnectionPoolCreated"
        case .poolReady: return "ConnectionPoolReady"
        case .poolCleared: return "ConnectionPoolCleared"
        case .poolClosed: return "ConnectionPoolClosed"
        default:
            return rawValue.split(separator: "_").map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined()
        }
    }
}

/// Why a connection was closed or a checkout failed, with the CMAP spec's spelling.
public enum PoolEventReason: String, Sendable, Hashable {
    /// Connection closed: it belonged to an older generation (the pool was cleared).
    case stale
    /// Connection closed: idle longer than `maxIdleTimeMS`.
    case idle
    /// Connection closed: an error made it unusable (network error, failed establishment,
    /// interrupted by a clear).
    case error
    /// Connection closed / checkout failed: the pool was closed.
    case poolClosed
    /// Checkout failed: the wait queue timeout passed.
    case timeout
    /// Checkout failed: a connection could not be established (or the pool was cleared/paused).
    case connectionError
}
