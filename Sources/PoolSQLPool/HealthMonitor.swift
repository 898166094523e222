import PoolSQLCore
import Synchronization

/// Pings a pool's server for its health status.
///
/// It uses its own dedicated client (one extra server connection, appName `<appName>-health`),
/// not a pool connection, because:
/// - a saturated pool is not an unhealthy server: a check that had to queue for a pool connection
///   would report the pool's load (or time out in the wait queue) instead of the server's state;
/// - the check must not disturb what it observes: no pool slot taken, no operation, error or
///   checkout-failure counted, no idle timer reset;
/// - MongoDB drivers do the same (server monitors use dedicated connections, CMAP pools carry only
///   application traffic).
/// After a failed check the client is destroyed and the next check starts with a fresh one, so a
/// restarted server is seen at once (a single-threaded libmongoc client would otherwise wait out
/// its 5 s reconnect cooldown).
final class HealthMonitor: Sendable {
    let pool: String
    let uri: MongoURI
    /// Held for the whole check: checks run one at a time, and the C client is single-threaded.
    private let client = Mutex<PooledClient?>(nil)

    init(pool: String, uri: MongoURI) {
        self.pool = pool
        self.uri = uri
    }

    static func appName(for options: PoolOptions) -> String {
        let base = options.appName ?? "poolsql"
        // libmongoc limits the handshake appname to 128 bytes.
        var name = base + "-health"
        while name.utf8.count > 128 { name = String(name.dropFirst()) }
        return name
    }

    func check(options: PoolOptions) -> HealthReport {
        client.withLock { current -> HealthReport in
            if let existing = current, existing.options.differsPerConnection(from: options) {
                existing.close()
                current = nil
            }
            let start = ContinuousClock.now
            do {
                if let existing = current {
                    do {
                        _ = try existing.runCommand(database: "admin", commandJSON: #"{"ping": 1}"#)
                    } catch let failure as PooledClient.CommandFailure {
                        throw PoolSQLError.driver(failure.error, uri: uri, pool: pool, establishing: false)
                    }
                } else {
                    current = try PooledClient.open(uri: uri, options: options, appName: HealthMonitor.appName(for: options),
                                                    pool: pool, id: 0, generation: 0)
                }
                let elapsed = ContinuousClock.now - start
                let latencyMS = Double(elapsed.components.seconds) * 1_000 + Double(elapsed.components.attoseconds) / 1e15
                return HealthReport(status: .forLatency(latencyMS), checkedAt: .now(), latencyMS: latencyMS, error: nil)
            } catch {
                current?.close()
                current = nil
                let message = (error as? PoolSQLError)?.message ?? String(describing: error)
                return HealthReport(status: .unhealthy, checkedAt: .now(), latencyMS: nil, error: uri.scrub(message))
            }
        }
    }

    /// Closes the monitoring connection (when the pool closes).
    func shutdown() {
        let last = client.withLock { current -> PooledClient? in
            defer { current = nil }
            return current
        }
        last?.close()
    }
}
