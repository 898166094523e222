import PoolSQLCore

/// The CMAP errors, as PoolSQL errors. Messages start with the spec's wording (lower-cased, as
/// PoolSQL messages are) so the spec tests' message checks and users both recognise them.
extension PoolSQLError {
    /// CMAP's WaitQueueTimeoutError: 53300 (too_many_connections).
    static func waitQueueTimeout(pool: String, address: ServerAddress, waitedMS: Int, inUse: Int, total: Int, waiting: Int) -> PoolSQLError {
        PoolSQLError(
            .tooManyConnections,
            "timed out while checking out a connection from connection pool \"\(pool)\" (\(address)) after \(waitedMS) ms",
            detail: "\(inUse) connections in use, \(total) open or opening, \(waiting) other checkouts waiting",
            hint: "raise maxPoolSize or waitQueueTimeoutMS, or return connections sooner")
    }

    /// CMAP's PoolClosedError: 55000 (object_not_in_prerequisite_state).
    static func connectionPoolClosed(pool: String, address: ServerAddress) -> PoolSQLError {
        PoolSQLError(.objectNotInPrerequisiteState,
                     "attempted to check out a connection from closed connection pool \"\(pool)\" (\(address))")
    }

    /// CMAP's PoolClearedError: 08006 (connection_failure), a retryable error.
    static func connectionPoolCleared(pool: String, address: ServerAddress, paused: Bool) -> PoolSQLError {
        let what = paused ? "is paused (it was cleared after an error and its server has not been checked since)"
                          : "was cleared while the checkout was waiting"
        return PoolSQLError(.connectionFailure, "connection pool \"\(pool)\" for \(address) \(what)",
                            hint: "retry the operation: the pool is ready again once its server answers")
    }

    /// A pending establishment that `clear(interruptInUseConnections: true)` abandoned.
    static func connectionInterrupted(pool: String, address: ServerAddress) -> PoolSQLError {
        PoolSQLError(.connectionFailure,
                     "connection pool \"\(pool)\" was cleared: connection to \(address) interrupted while it was being established",
                     hint: "retry the operation: the pool is ready again once its server answers")
    }
}
