import PoolSQLCore
import Synchronization

/// Pings a pool's selected server for its health status.
///
/// It uses its own dedicated connection (appName `<appName>-health`), not a pool connection,
/// because:
/// - a saturated pool is not an unhealthy server: a check that had to queue for a pool connection
///   would report the pool's load (or time out in the wait queue) instead of the server's state;
/// - the check must not disturb what it observes: no pool slot taken, no operation, error or
///   checkout counted, no idle timer reset, no CMAP event;
/// - MongoDB drivers do the same (server monitors use dedicated connections, CMAP pools carry only
///   application traffic).
/// After a failed check the connection is closed and the next check opens a fresh one.
final class HealthMonitor: Sendable {
    let pool: String
    let uri: MongoURI
    let factory: MongoConnectionFactory
    /// Held for the whole check: checks run one at a time, and the C client is single-threaded.
    private let connection = AnnotatedMutex<(MongoDirectConnection, ServerAddress, PoolOptions)?>(nil)

    init(pool: String, uri: MongoURI, factory: MongoConnectionFactory) {
        self.pool = pool
        self.uri = uri
        self.factory = factory
    }

    static func appName(for options: PoolOptions) -> String {
        let base = options.appName ?? "poolsql"
        // libmongoc limits the handshake appname to 128 bytes.
        var name = base + "-health"
        while name.utf8.count > 128 { name = String(name.dropFirst()) }
        return name
    }

    /// Selects a server as an operation would (through `topology`) and pings it.
    func check(options: PoolOptions, topology: TopologyMonitor) -> HealthReport {
        connection.withLock { current -> HealthReport in
            let start = ContinuousClock.now
            do {
                let address = try topology.selectServer(forWrites: false, readPreference: options.readPreference,
                                                        timeoutMS: options.serverSelectionTimeoutMS)
                if let (existing, existingAddress, existingOptions) = current,
                   existingAddress != address || existing.isPerished || existingOptions.differsPerConnection(from: options) {
                    existing.close()
                    current = nil
                }
                if let (existing, _, _) = current {
                    try existing.ping()
                } else {
                    var healthOptions = options
                    healthOptions.appName = HealthMonitor.appName(for: options)
                    let opened = try factory.open(ConnectionRequest(address: address, connectionID: 0, generation: 0, options: healthOptions))
                    current = (opened, address, options)
                    try opened.ping()
                }
                let elapsed = ContinuousClock.now - start
                let latencyMS = Double(elapsed.components.seconds) * 1_000 + Double(elapsed.components.attoseconds) / 1e15
                return HealthReport(status: .forLatency(latencyMS), checkedAt: .now(), latencyMS: latencyMS, error: nil)
            } catch {
                current?.0.close()
                current = nil
                let message = (error as? PoolSQLError)?.message ?? String(describing: error)
                return HealthReport(status: .unhealthy, checkedAt: .now(), latencyMS: nil, error: uri.scrub(message))
            }
        }
    }

    /// Closes the monitoring connection (when the pool closes).
    func shutdown() {
        let last = connection.withLock { current -> MongoDirectConnection? in
            defer { current = nil }
            return current?.0
        }
        last?.close()
    }
}
