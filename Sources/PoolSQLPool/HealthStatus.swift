import PoolSQLCore

/// How a pool's server answered its last health check (`ping`).
public enum HealthStatus: String, Sendable, Hashable, CaseIterable {
    /// No check has finished yet (the first one runs right after the pool is created).
    case initializing
    /// The ping succeeded within 1 s.
    case healthy
    /// The ping succeeded but took over 1 s.
    case warning
    /// The ping succeeded but took over 5 s.
    case degraded
    /// The ping failed (server unreachable, timed out, or refused it).
    case unhealthy

    /// The status for a successful ping that took `latencyMS` milliseconds.
    public static func forLatency(_ latencyMS: Double) -> HealthStatus {
        if latencyMS > 5_000 { return .degraded }
        if latencyMS > 1_000 { return .warning }
        return .healthy
    }
}

/// The outcome of one health check.
struct HealthReport: Sendable {
    var status: HealthStatus
    var checkedAt: Timestamp
    var latencyMS: Double?
    var error: String?
}

