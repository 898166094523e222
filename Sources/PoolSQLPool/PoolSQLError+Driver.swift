import PoolSQLCore

extension SQLState {
    /// PostgreSQL's `too_many_connections`: no pool connection became free in time.
    static let tooManyConnections: SQLState = "53300"
    /// PostgreSQL's `fdw_error` (foreign-data-wrapper class): the MongoDB server rejected a command.
    static let foreignServerError: SQLState = "HV000"
    /// PostgreSQL's `invalid_authorization_specification`.
    static let invalidAuthorization: SQLState = "28000"
}

extension PoolSQLError {
    /// Maps a libmongoc failure to a PoolSQL error. `establishing` says whether the failure happened
    /// while opening a connection (08001) or on an established one (08006). Driver messages can
    /// quote the URI, so they are scrubbed of its secrets.
    static func driver(_ error: DriverError, uri: MongoURI, pool: String, establishing: Bool) -> PoolSQLError {
        let message = uri.scrub(error.message)
        let detail = "libmongoc error domain \(error.domain), code \(error.code)"
        if error.isAuthenticationError {
            return PoolSQLError(.invalidAuthorization, "authentication failed for pool \"\(pool)\": \(message)", detail: detail)
        }
        if error.isNetworkError {
            if establishing {
                return PoolSQLError(.sqlClientUnableToEstablishConnection,
                                    "pool \"\(pool)\" could not connect to \(uri.redacted): \(message)", detail: detail)
            }
            return PoolSQLError(.connectionFailure, "connection of pool \"\(pool)\" failed: \(message)", detail: detail)
        }
        if error.isServerError {
            return PoolSQLError(.foreignServerError, "MongoDB command failed: \(message)",
                                detail: "MongoDB error code \(error.code)")
        }
        return PoolSQLError(.foreignServerError, "MongoDB driver error: \(message)", detail: detail)
    }

    static func poolClosed(_ pool: String) -> PoolSQLError {
        PoolSQLError(.objectNotInPrerequisiteState, "pool \"\(pool)\" is closed")
    }
}
