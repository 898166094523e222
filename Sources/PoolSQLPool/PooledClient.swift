import CMongoC
import Foundation
import PoolSQLCore
import Synchronization

/// One single-threaded libmongoc client, which is exactly one server connection: a
/// single-threaded `mongoc_client_t` monitors its server on the same socket it runs commands on.
/// That makes it the unit of our own pool (libmongoc's `mongoc_client_pool_t` hides its
/// connections, so it could not report or bound them the way PoolSQL must).
///
/// `@unchecked Sendable`: the C client is not thread-safe, and is only ever used by the one thread
/// that has it checked out; the pool hands it from thread to thread only through its lock or a
/// semaphore signal, which order the accesses. The mutable flags are atomics.
final class PooledClient: @unchecked Sendable {
    let id: Int
    /// The pool generation it was opened in; a pool clear (after a network error) bumps the
    /// generation, and connections of older generations are closed instead of reused.
    let generation: Int
    /// The settings it was opened with (timeouts, appname and read preference are baked in).
    let options: PoolOptions
    private let client: OpaquePointer
    private let closed = Atomic<Bool>(false)
    /// Set when an operation on it failed at the network level: it must not go back to the pool.
    let broken = Atomic<Bool>(false)

    private init(id: Int, generation: Int, options: PoolOptions, client: OpaquePointer) {
        self.id = id
        self.generation = generation
        self.options = options
        self.client = client
    }

    deinit { close() }

    /// Creates a client for `uri` with `options` applied and establishes its connection (TCP,
    /// handshake, authentication) by running `ping`, so a checked-out connection is a live one.
    static func open(uri: MongoURI, options: PoolOptions, appName: String?, pool: String, id: Int, generation: Int) throws -> PooledClient {
        LibMongoC.ensureInitialized()
        let clientURI = try makeClientURI(uri: uri, options: options, appName: appName, pool: pool)
        defer { mongoc_uri_destroy(clientURI) }
        var error = bson_error_t()
        guard let client = mongoc_client_new_from_uri_with_error(clientURI, &error) else {
            throw PoolSQLError.driver(DriverError(error), uri: uri, pool: pool, establishing: true)
        }
        // Error API v2 reports server-side command failures in their own domain, so they can be
        // told apart from network failures.
        mongoc_client_set_error_api(client, MONGOC_ERROR_API_VERSION_2)
        let pooled = PooledClient(id: id, generation: generation, options: options, client: client)
        do {
            _ = try pooled.runCommand(database: "admin", commandJSON: #"{"ping": 1}"#)
        } catch let failure as CommandFailure {
            pooled.close()
            throw PoolSQLError.driver(failure.error, uri: uri, pool: pool, establishing: true)
        }
        return pooled
    }

    /// The connection string for one client: the user's URI with the pool's effective settings
    /// written over it. `serverSelectionTryOnce=false` makes a single-threaded client keep trying
    /// for `serverSelectionTimeoutMS` (instead of failing after one attempt) as the option promises.
    private static func makeClientURI(uri: MongoURI, options: PoolOptions, appName: String?, pool: String) throws -> OpaquePointer {
        var error = bson_error_t()
        guard let clientURI = mongoc_uri_new_with_error(uri.text, &error) else {
            throw PoolSQLError(.invalidParameterValue, "invalid MongoDB URI: \(uri.scrub(DriverError(error).message))")
        }
        var ok = true
        ok = ok && mongoc_uri_set_option_as_int32(clientURI, MONGOC_URI_CONNECTTIMEOUTMS, Int32(clamping: options.connectTimeoutMS))
        ok = ok && mongoc_uri_set_option_as_int32(clientURI, MONGOC_URI_SOCKETTIMEOUTMS, Int32(clamping: options.socketTimeoutMS))
        ok = ok && mongoc_uri_set_option_as_int32(clientURI, MONGOC_URI_SERVERSELECTIONTIMEOUTMS, Int32(clamping: options.serverSelectionTimeoutMS))
        ok = ok && mongoc_uri_set_option_as_int32(clientURI, MONGOC_URI_HEARTBEATFREQUENCYMS, Int32(clamping: options.heartbeatFrequencyMS))
        ok = ok && mongoc_uri_set_option_as_bool(clientURI, MONGOC_URI_SERVERSELECTIONTRYONCE, false)
        if let appName { ok = ok && mongoc_uri_set_appname(clientURI, appName) }
        // Keep the URI's own read preference (with its tags and max staleness) when the mode is
        // the same; replace it only when the effective mode differs.
        let mode = readMode(options.readPreference)
        if mongoc_read_prefs_get_mode(mongoc_uri_get_read_prefs_t(clientURI)) != mode {
            let prefs = mongoc_read_prefs_new(mode)
            mongoc_uri_set_read_prefs_t(clientURI, prefs)
            mongoc_read_prefs_destroy(prefs)
        }
        guard ok else {
            mongoc_uri_destroy(clientURI)
            throw PoolSQLError(.invalidParameterValue, "libmongoc rejected the options of pool \"\(pool)\"",
                               detail: "check appName (at most 128 bytes) and the timeout values")
        }
        return clientURI
    }

    private static func readMode(_ name: String) -> mongoc_read_mode_t {
        switch PoolOptions.canonicalReadPreference(name) {
        case "primaryPreferred": return MONGOC_READ_PRIMARY_PREFERRED
        case "secondary": return MONGOC_READ_SECONDARY
        case "secondaryPreferred": return MONGOC_READ_SECONDARY_PREFERRED
        case "nearest": return MONGOC_READ_NEAREST
        default: return MONGOC_READ_PRIMARY
        }
    }

    struct CommandFailure: Error {
        var error: DriverError
    }

    /// Runs one command and returns the reply as relaxed extended JSON. A malformed command is a
    /// PoolSQLError; a driver failure is a `CommandFailure` (the caller maps it, knowing the pool),
    /// and a network failure also marks the client broken.
    func runCommand(database: String, commandJSON: String) throws -> String {
        if closed.load(ordering: .acquiring) { throw PoolSQLError.internal("connection \(id) used after it was closed") }
        let command = try BSONDocument.fromJSON(commandJSON)
        defer { bson_destroy(command) }
        var error = bson_error_t()
        let (succeeded, reply) = BSONDocument.withReplyStorage { reply -> (Bool, String) in
            // The client's read preference (from the effective options) applies; with NULL
            // libmongoc would always use primary.
            let ok = mongoc_client_command_simple(client, database, command, mongoc_client_get_read_prefs(client), reply, &error)
            return (ok, ok ? BSONDocument.relaxedJSON(reply) : "")
        }
        guard succeeded else {
            let failure = DriverError(error)
            if failure.isNetworkError { broken.store(true, ordering: .releasing) }
            throw CommandFailure(error: failure)
        }
        return reply
    }

    /// Destroys the C client (closing its socket). Safe to call more than once.
    func close() {
        if closed.exchange(true, ordering: .acquiringAndReleasing) { return }
        mongoc_client_destroy(client)
    }
}
