import CMongoC
import Dispatch
import PoolSQLCore
import Synchronization

/// The `mongoc_client_pool_t` a topology monitor uses for discovery, monitoring and server
/// selection only: it never runs an application command, so it opens only libmongoc's
/// monitoring connections (one per server, plus an RTT connection when the server streams).
///
/// `@unchecked Sendable`: the C pool is thread-safe; the one client it keeps popped (so the
/// monitoring threads run) is never used, and every other client is popped by one thread for
/// the length of one `withClient` call.
final class MonitorClientPool: @unchecked Sendable {
    private let pool: OpaquePointer
    private let keeper: OpaquePointer
    /// Retained while the C pool exists: libmongoc hands it to the APM callbacks.
    private let context: Unmanaged<MonitorEventQueue>
    /// Clients popped by `withClient`; the C pool may only be destroyed when all are back.
    private let leases = DispatchGroup()
    private let closing = AnnotatedMutex(false)
    let options: PoolOptions

    private init(pool: OpaquePointer, keeper: OpaquePointer, context: Unmanaged<MonitorEventQueue>, options: PoolOptions) {
        self.pool = pool
        self.keeper = keeper
        self.context = context
        self.options = options
    }

    /// libmongoc allows at most this many clients out of the pool at once; far above what
    /// concurrent selections need, so a small `maxPoolSize` in the user's URI (meant for the
    /// application connections) cannot make selections wait for each other.
    static let clientLimit: Int32 = 1000

    /// Creates the C pool, registers the APM callbacks (before the first pop, as libmongoc
    /// requires) and pops one client, which starts the monitoring threads.
    static func open(uri: MongoURI, options: PoolOptions, appName: String, poolName: String,
                     queue: MonitorEventQueue) throws -> MonitorClientPool {
        LibMongoC.ensureInitialized()
        let monitorURI = try makeURI(uri: uri, options: options, appName: appName, poolName: poolName)
        defer { mongoc_uri_destroy(monitorURI) }
        var error = bson_error_t()
        guard let pool = mongoc_client_pool_new_with_error(monitorURI, &error) else {
            throw PoolSQLError.driver(DriverError(error), uri: uri, pool: poolName, establishing: true)
        }
        guard let callbacks = TopologyMonitor.makeAPMCallbacks() else {
            mongoc_client_pool_destroy(pool)
            throw PoolSQLError.internal("libmongoc could not allocate APM callbacks for pool \"\(poolName)\"")
        }
        let context = Unmanaged.passRetained(queue)
        let registered = mongoc_client_pool_set_apm_callbacks(pool, callbacks, context.toOpaque())
        mongoc_apm_callbacks_destroy(callbacks)
        _ = mongoc_client_pool_set_error_api(pool, Int32(MONGOC_ERROR_API_VERSION_2))
        guard registered, let keeper = mongoc_client_pool_pop(pool) else {
            mongoc_client_pool_destroy(pool)
            context.release()
            throw PoolSQLError.internal("libmongoc refused the monitoring callbacks of pool \"\(poolName)\"")
        }
        return MonitorClientPool(pool: pool, keeper: keeper, context: context, options: options)
    }

    /// The user's URI with the monitor's settings written over it.
    private static func makeURI(uri: MongoURI, options: PoolOptions, appName: String, poolName: String) throws -> OpaquePointer {
        var error = bson_error_t()
        guard let monitorURI = mongoc_uri_new_with_error(uri.text, &error) else {
            throw PoolSQLError(.invalidParameterValue, "invalid MongoDB URI: \(uri.scrub(DriverError(error).message))")
        }
        var ok = true
        ok = ok && mongoc_uri_set_option_as_int32(monitorURI, MONGOC_URI_HEARTBEATFREQUENCYMS, Int32(clamping: options.heartbeatFrequencyMS))
        ok = ok && mongoc_uri_set_option_as_int32(monitorURI, MONGOC_URI_SERVERSELECTIONTIMEOUTMS, Int32(clamping: options.serverSelectionTimeoutMS))
        ok = ok && mongoc_uri_set_option_as_int32(monitorURI, MONGOC_URI_CONNECTTIMEOUTMS, Int32(clamping: options.connectTimeoutMS))
        ok = ok && mongoc_uri_set_option_as_int32(monitorURI, MONGOC_URI_MAXPOOLSIZE, clientLimit)
        ok = ok && mongoc_uri_set_appname(monitorURI, appName)
        ok = ok && mongoc_uri_set_option_as_bool(monitorURI, MONGOC_URI_TLS, options.tls)
        if options.tls {
            if let file = options.tlsCAFile { ok = ok && mongoc_uri_set_option_as_utf8(monitorURI, MONGOC_URI_TLSCAFILE, file) }
            if let file = options.tlsCertificateKeyFile {
                ok = ok && mongoc_uri_set_option_as_utf8(monitorURI, MONGOC_URI_TLSCERTIFICATEKEYFILE, file)
            }
            ok = ok && mongoc_uri_set_option_as_bool(monitorURI, MONGOC_URI_TLSALLOWINVALIDCERTIFICATES, options.tlsAllowInvalidCertificates)
            ok = ok && mongoc_uri_set_option_as_bool(monitorURI, MONGOC_URI_TLSALLOWINVALIDHOSTNAMES, options.tlsAllowInvalidHostnames)
        }
        guard ok else {
            mongoc_uri_destroy(monitorURI)
            throw PoolSQLError(.invalidParameterValue, "libmongoc rejected the monitoring options of pool \"\(poolName)\"",
                               detail: "check the timeout values and the TLS settings")
        }
        return monitorURI
    }

    /// Pops a client for the length of `body`; nil once the pool is closing.
    func withClient<T>(_ body: (OpaquePointer) throws -> T) throws -> T? {
        let leased = closing.withLock { closing -> Bool in
            if closing { return false }
            leases.enter()
            return true
        }
        guard leased else { return nil }
        defer { leases.leave() }
        guard let client = mongoc_client_pool_pop(pool) else { return nil }
        defer { mongoc_client_pool_push(pool, client) }
        return try body(client)
    }

    /// Waits for clients in use (a selection can take up to `serverSelectionTimeoutMS`), then
    /// destroys the C pool, which stops the monitoring threads; no APM callback runs after that.
    /// Safe to call more than once.
    func close() {
        let first = closing.withLock { closing -> Bool in
            defer { closing = true }
            return !closing
        }
        guard first else { return }
        leases.wait()
        mongoc_client_pool_push(pool, keeper)
        mongoc_client_pool_destroy(pool)
        context.release()
    }

    deinit { close() }
}
