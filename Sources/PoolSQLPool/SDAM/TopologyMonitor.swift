import Foundation
import PoolSQLCore
import Synchronization

/// Server discovery and monitoring (SDAM) for one PoolSQL pool.
///
/// It owns one `mongoc_client_pool_t` that is used only for discovery, monitoring and server
/// selection, never for application commands (the pool's own CMAP connection pools run those).
/// libmongoc's monitoring threads heartbeat every server each `heartbeatFrequencyMS` (libmongoc's
/// pooled minimum is 500 ms) and report through APM callbacks; those only copy the event into a
/// queue. One dispatcher thread per monitor turns the queue into the monitor's view of the
/// topology (`servers()`, `topologyType`), `PoolEvent`s in the pool's event log, and calls to the
/// `onChange` handlers, in the order libmongoc reported the events.
///
/// The monitor's connections use the application name `<appName ?? "poolsql">-monitor`, so they
/// never match a fail point or a `currentOp` filter meant for the pool's own connections.
/// libmongoc's monitoring connections do not authenticate, so credentials are never used here.
public final class TopologyMonitor: Sendable {
    public let poolName: String
    public let uri: MongoURI
    let events: PoolEventLog
    let tracker: TopologyTracker
    let queue = MonitorEventQueue()

    struct Lifecycle {
        var options: PoolOptions
        var clientPool: MonitorClientPool?
        var dispatcherStarted = false
        var closed = false
    }

    /// Held across creating and destroying the C pool, so start/update/close never interleave.
    let lifecycle: AnnotatedMutex<Lifecycle>

    /// Validates `options`; nothing connects before `start()`.
    public init(poolName: String, uri: MongoURI, options: PoolOptions, events: PoolEventLog) throws {
        try options.validate()
        self.poolName = poolName
        self.uri = uri
        self.events = events
        tracker = TopologyTracker(poolName: poolName, uri: uri, events: events)
        lifecycle = AnnotatedMutex(Lifecycle(options: options))
    }

    deinit { close() }

    /// The application name of the monitor's connections.
    public static func monitorAppName(for options: PoolOptions) -> String {
        let suffix = "-monitor"
        // libmongoc rejects application names longer than 128 bytes.
        var base = options.appName ?? "poolsql"
        while base.utf8.count + suffix.utf8.count > 128 { base.removeLast() }
        return base + suffix
    }

    /// The settings the monitor runs with.
    public var options: PoolOptions { lifecycle.withLock { $0.options } }

    /// Creates the monitoring pool and starts monitoring: from now on the servers of the URI are
    /// heartbeated and discovered members are added. Does nothing if already started. Throws
    /// when libmongoc rejects the settings (unreachable servers are not an error: they show up
    /// as `Unknown` with their heartbeat error).
    public func start() throws {
        try lifecycle.withLock { state in
            if state.closed { throw PoolSQLError.poolClosed(poolName) }
            if state.clientPool != nil { return }
            if !state.dispatcherStarted {
                let tracker = self.tracker
                let queue = self.queue
                let dispatcher = Thread { tracker.dispatch(from: queue) }
                dispatcher.name = "poolsql-sdam-\(poolName)"
                dispatcher.start()
                state.dispatcherStarted = true
            }
            state.clientPool = try MonitorClientPool.open(uri: uri, options: state.options,
                                                          appName: Self.monitorAppName(for: state.options),
                                                          poolName: poolName, queue: queue)
        }
    }

    /// The servers the monitor knows, sorted by address: SDAM type, round-trip time (SDAM's
    /// running average), last heartbeat and its error, replica set name, maxWireVersion.
    public func servers() -> [ServerSnapshot] { tracker.servers }

    /// `Single`, `ReplicaSetWithPrimary`, `ReplicaSetNoPrimary`, `Sharded`, `LoadBalanced` or
    /// `Unknown` (also before `start()` and after `close()`).
    public var topologyType: String { tracker.topologyType }

    /// Calls `handler` for every change from now on, on the dispatcher thread, in order. The
    /// handler may read the monitor but should return quickly: later events wait for it.
    /// Handlers are released when the monitor is closed.
    public func onChange(_ handler: @escaping @Sendable (TopologyChange) -> Void) {
        tracker.addHandler(handler)
    }

    /// Applies new settings. libmongoc fixes heartbeat frequency, server selection and connect
    /// timeouts, TLS settings and the application name when a `mongoc_client_pool_t` is created,
    /// so when any of them changes the monitor closes its pool and opens a new one: every server
    /// is reported closed and then rediscovered (`server_closed`, `server_opening`, … events),
    /// and selections started meanwhile wait for the new pool. Other changes only update
    /// `options`. If libmongoc rejects the new settings the monitor is left stopped (the new
    /// options are kept) and `start()` can try again.
    public func update(options newOptions: PoolOptions) throws {
        try newOptions.validate()
        try lifecycle.withLock { state in
            if state.closed { throw PoolSQLError.poolClosed(poolName) }
            let needsNewPool = Self.monitoringSettingsDiffer(state.options, newOptions)
            state.options = newOptions
            guard needsNewPool, let old = state.clientPool else { return }
            state.clientPool = nil
            old.close()
            queue.enqueue(.monitorStopped(at: .now()))
            state.clientPool = try MonitorClientPool.open(uri: uri, options: newOptions,
                                                          appName: Self.monitorAppName(for: newOptions),
                                                          poolName: poolName, queue: queue)
        }
    }

    static func monitoringSettingsDiffer(_ a: PoolOptions, _ b: PoolOptions) -> Bool {
        a.heartbeatFrequencyMS != b.heartbeatFrequencyMS || a.serverSelectionTimeoutMS != b.serverSelectionTimeoutMS
            || a.connectTimeoutMS != b.connectTimeoutMS || a.appName != b.appName || a.tls != b.tls
            || a.tlsCAFile != b.tlsCAFile || a.tlsCertificateKeyFile != b.tlsCertificateKeyFile
            || a.tlsAllowInvalidCertificates != b.tlsAllowInvalidCertificates
            || a.tlsAllowInvalidHostnames != b.tlsAllowInvalidHostnames
    }

    /// Stops monitoring: waits for selections in progress, destroys the monitoring pool (its
    /// `server_closed` events still reach the log and the handlers), then lets the dispatcher
    /// thread finish the queue and exit. Safe to call more than once.
    public func close() {
        lifecycle.withLock { state in
            if state.closed { return }
            state.closed = true
            if let clientPool = state.clientPool {
                state.clientPool = nil
                clientPool.close()
                queue.enqueue(.monitorStopped(at: .now()))
            }
            if state.dispatcherStarted { queue.enqueue(.finish) }
        }
    }
}
