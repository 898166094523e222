/// A CMAP pool's lifecycle: created paused, `ready()` after its server is known to be usable,
/// paused again by `clear()`, closed for good by `close()`.
public enum ConnectionPoolState: String, Sendable, Hashable {
    case paused
    case ready
    case closed
}

/// Where one connection of a pool is in its life (the `state` column of `mongodb_connections`).
public enum ConnectionState: String, Sendable, Hashable {
    case connecting
    case idle
    case inUse = "in_use"
}
