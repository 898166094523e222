import CMongoC
import PoolSQLCore

extension MongoDirectConnection {
    /// A failed command with the libmongoc error behind it, so `MongoPool` can apply SDAM's
    /// error rules (network error or timeout, which server error code).
    struct CommandFailure: Error {
        var driver: DriverError
        /// What the user sees.
        var error: PoolSQLError
    }

    /// `runCommand`, but a driver failure is thrown as a `CommandFailure` (other errors, such as
    /// malformed JSON, as they are).
    func runCommandReportingFailure(database: String, commandJSON: String) throws -> String {
        if closed.load(ordering: .acquiring) {
            throw PoolSQLError(.objectNotInPrerequisiteState, "connection of pool \"\(poolName)\" used after it was closed")
        }
        if perished.load(ordering: .acquiring) {
            // A perished connection is not used again (CMAP); the pool closes it at check-in.
            throw CommandFailure(
                driver: DriverError(domain: MONGOC_ERROR_STREAM.rawValue, code: MONGOC_ERROR_STREAM_SOCKET.rawValue,
                                    message: "connection already failed"),
                error: PoolSQLError(.connectionFailure, "connection of pool \"\(poolName)\" already failed"))
        }
        let command = try BSONDocument.fromJSON(commandJSON)
        defer { bson_destroy(command) }
        var error = bson_error_t()
        let (succeeded, reply) = BSONDocument.withReplyStorage { reply -> (Bool, String) in
            let ok = mongoc_client_command_simple(client, database, command, mongoc_client_get_read_prefs(client), reply, &error)
            return (ok, ok ? BSONDocument.relaxedJSON(reply) : "")
        }
        guard succeeded else {
            let failure = DriverError(error)
            if failure.isNetworkError { perished.store(true, ordering: .releasing) }
            throw CommandFailure(driver: failure, error: PoolSQLError.driver(failure, uri: uri, pool: poolName, establishing: false))
        }
        return reply
    }

    /// `{"ping": 1}`, built once. libmongoc only reads the command document, so one immutable
    /// copy serves every thread.
    nonisolated(unsafe) static let pingCommand: OpaquePointer? = try? BSONDocument.fromJSON(#"{"ping": 1}"#)

    /// Runs `ping` on `admin` without the JSON round trips of `runCommand` (parsing the command,
    /// rendering the reply): the health checks and `MongoPool.ping()` run it often, and those
    /// conversions cost more client CPU than the command itself.
    func pingReportingFailure() throws {
        guard let command = MongoDirectConnection.pingCommand else {
            _ = try runCommandReportingFailure(database: "admin", commandJSON: #"{"ping": 1}"#)
            return
        }
        if closed.load(ordering: .acquiring) {
            throw PoolSQLError(.objectNotInPrerequisiteState, "connection of pool \"\(poolName)\" used after it was closed")
        }
        var error = bson_error_t()
        let succeeded = BSONDocument.withReplyStorage { reply in
            mongoc_client_command_simple(client, "admin", command, nil, reply, &error)
        }
        guard succeeded else {
            let failure = DriverError(error)
            if failure.isNetworkError { perished.store(true, ordering: .releasing) }
            throw CommandFailure(driver: failure, error: PoolSQLError.driver(failure, uri: uri, pool: poolName, establishing: false))
        }
    }
}
