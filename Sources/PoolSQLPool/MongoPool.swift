import PoolSQLCore
import Synchronization

/// A PoolSQL pool: what `CREATE POOL` makes and an embedding app takes connections from.
///
/// It is built the way the MongoDB drivers are (SDAM + CMAP):
/// - a `TopologyMonitor` (one `mongoc_client_pool_t` used only for discovery, server selection
///   and heartbeats) tells which servers exist and what they are;
/// - per server, a CMAP `ConnectionPool` of single-threaded direct libmongoc clients (each one
///   TCP connection) hands out connections, with events, generations, clears and a wait queue;
/// - a `PoolSupervisor` thread runs health checks and, after a clear, checks the server at once
///   so the pool is ready again as soon as the server answers.
///
/// The blocking API (`withConnection`, `runCommand`, `checkHealth`, `close`) must not be called
/// from Swift's cooperative thread pool; from async code use the `async` overloads, which run the
/// work on a dedicated thread. Dropping the last reference closes the pool.
public final class MongoPool: Sendable {
    public let name: String
    public let uri: MongoURI
    /// This pool's CMAP and SDAM events: the ring buffer behind `connection_pool_events`, and
    /// where an app subscribes.
    public let events: PoolEventLog
    public let createdAt: Timestamp

    let topology: TopologyMonitor
    let factory: MongoConnectionFactory
    let state: AnnotatedMutex<MongoPoolState>
    /// Where checkouts go while there is one candidate server (guarded by the events' lock).
    let route: ConnectionPoolRoute
    let operations = AnnotatedMutex(OperationStatisticsRecorder())
    let health: HealthMonitor
    let supervisor: PoolSupervisor

    /// Creates the pool, starts monitoring its servers and returns at once (creation does not
    /// wait for the server). Invalid options are a 22023 error.
    public init(name: String, uri: MongoURI, options: PoolOptions = PoolOptions(), eventBufferSize: Int = 1000) throws {
        try options.validate()
        LibMongoC.ensureInitialized()
        self.name = name
        self.uri = uri
        self.createdAt = .now()
        self.events = PoolEventLog(capacity: eventBufferSize)
        self.route = ConnectionPoolRoute(sharing: events.lock)
        self.factory = MongoConnectionFactory(uri: uri, poolName: name)
        self.state = AnnotatedMutex(MongoPoolState(options: options))
        self.health = HealthMonitor(pool: name, uri: uri, factory: factory)
        self.topology = try TopologyMonitor(poolName: name, uri: uri, options: options, events: events)
        self.supervisor = PoolSupervisor()
        topology.onChange { [weak self] change in self?.topologyChanged(change) }
        try topology.start()
        supervisor.start(pool: self)
    }

    /// Parses `uri` (22023 if libmongoc rejects it) and creates the pool.
    public convenience init(name: String, uri: String, options: PoolOptions = PoolOptions(), eventBufferSize: Int = 1000) throws {
        try self.init(name: name, uri: MongoURI(uri), options: options, eventBufferSize: eventBufferSize)
    }

    deinit {
        close()
    }

    /// The options in effect.
    public var options: PoolOptions { state.withLock { $0.options } }

    /// Applies new options live where CMAP allows it: a lower `maxPoolSize` closes surplus idle
    /// connections now and in-use ones as they come back; a higher `minPoolSize` makes the
    /// background threads open connections; a new `maxIdleTimeMS`, `waitQueueTimeoutMS` or
    /// `maxConnecting` applies at once. Settings baked into a connection (timeouts, appName, read
    /// preference, concerns, TLS…) start a new generation: open connections are replaced (idle
    /// ones soon, in-use ones when returned) by connections with the new settings; heartbeat and
    /// selection settings restart the topology monitor.
    public func update(options: PoolOptions) throws {
        try options.validate()
        let (pools, renew) = try state.withLock { state -> ([ConnectionPool], Bool) in
            if state.closed { throw PoolSQLError.poolClosed(name) }
            let renew = options.differsPerConnection(from: state.options)
            state.options = options
            return (Array(state.serverPools.values), renew)
        }
        for pool in pools {
            pool.update(options: options)
            // Open connections carry the old per-connection settings: replace them.
            if renew { pool.startNewGeneration() }
        }
        // The monitor's own connections keep their appName: restarting monitoring for a name
        // would report every server closed and rediscovered, and close the server pools.
        var monitorOptions = options
        monitorOptions.appName = topology.options.appName
        try topology.update(options: monitorOptions)
        refreshRoute()
        supervisor.wake()
    }

    /// The status of the last finished health check (`initializing` before the first).
    public var healthStatus: HealthStatus { state.withLock { $0.health.status } }

    /// Runs a health check now, on the calling thread (blocks up to the server selection
    /// timeout), records it and returns its status. On a closed pool it returns the last status
    /// without contacting the server.
    @discardableResult
    public func checkHealth() -> HealthStatus {
        if isClosed { return healthStatus }
        return runHealthCheck()
    }

    /// Closes the pool: every per-server pool closes (waiting checkouts fail, idle connections
    /// close now, checked-out ones when they are returned), monitoring stops. Later checkouts fail
    /// with 55000. Calling it again does nothing.
    public func close() {
        let open = state.withLock { state -> [ConnectionPool]? in
            if state.closed { return nil }
            state.closed = true
            route.set(nil)
            defer { state.serverPools.removeAll() }
            return Array(state.serverPools.values)
        }
        guard let pools = open else { return }
        for pool in pools { pool.close() }
        supervisor.stop()
        topology.close()
        health.shutdown()
    }

    public var isClosed: Bool { state.withLock { $0.closed } }
}

extension MongoPool: CustomStringConvertible {
    public var description: String { "MongoPool(\(name), \(uri.redacted))" }
}

/// What changes in a `MongoPool`, under one lock.
struct MongoPoolState: Sendable {
    var options: PoolOptions
    var closed = false
    /// One CMAP pool per data-bearing server the monitor has seen; servers that leave the
    /// topology have theirs closed and removed.
    var serverPools: [ServerAddress: ConnectionPool] = [:]
    var health = HealthReport(status: .initializing, checkedAt: Timestamp(microseconds: 0), latencyMS: nil, error: nil)
    var hasHealthReport = false

    init(options: PoolOptions) {
        self.options = options
    }
}
