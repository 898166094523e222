import Foundation
import PoolSQLCore
import PoolSQLPool
import PoolSQLTestSupport
import Testing

/// Starts a throw-away SecantusDB. Failing to start is a test failure (also outside CI) whose
/// message says how to set the server up.
func startSecantus() throws -> SecantusServer {
    do {
        return try SecantusServer()
    } catch let error as PoolSQLError {
        Issue.record("cannot start SecantusDB\(TestEnvironment.isCI ? " (CI)" : ""): \(error.rendered(source: nil))")
        throw error
    }
}

/// Options with short timeouts, so failures surface quickly; periodic health checks off unless a
/// test turns them on (the check at creation still runs).
func testOptions(
    minPoolSize: Int = 0, maxPoolSize: Int = 5, maxIdleTimeMS: Int = 0, waitQueueTimeoutMS: Int = 5_000,
    appName: String? = nil, healthCheckIntervalMS: Int = 0
) -> PoolOptions {
    PoolOptions(
        minPoolSize: minPoolSize, maxPoolSize: maxPoolSize, maxIdleTimeMS: maxIdleTimeMS,
        waitQueueTimeoutMS: waitQueueTimeoutMS, serverSelectionTimeoutMS: 1_000, connectTimeoutMS: 1_000,
        socketTimeoutMS: 5_000, heartbeatFrequencyMS: 500, appName: appName, healthCheckIntervalMS: healthCheckIntervalMS)
}

/// Polls `condition` until it holds or `timeout` passes; returns whether it held. For states a
/// background thread reaches eventually (not a timing assertion: the timeout is only a bound).
func eventually(timeout: Duration = .seconds(15), _ condition: () throws -> Bool) rethrows -> Bool {
    let deadline = ContinuousClock.now + timeout
    while true {
        if try condition() { return true }
        if ContinuousClock.now > deadline { return false }
        Thread.sleep(forTimeInterval: 0.02)
    }
}

/// Parses a relaxed-extended-JSON reply.
func jsonObject(_ text: String) throws -> [String: Any] {
    let value = try JSONSerialization.jsonObject(with: Data(text.utf8))
    guard let object = value as? [String: Any] else {
        throw PoolSQLError.internal("reply is not a JSON object: \(text)")
    }
    return object
}

func intValue(_ any: Any?) -> Int? {
    if let number = any as? NSNumber { return number.intValue }
    if let object = any as? [String: Any], let text = object["$numberLong"] as? String { return Int(text) }
    return nil
}

/// `serverStatus.connections.current` as the server counts it.
func serverConnectionCount(via observer: MongoPool) throws -> Int {
    let status = try jsonObject(observer.runCommand(database: "admin", commandJSON: #"{"serverStatus": 1}"#))
    guard let connections = status["connections"] as? [String: Any], let current = intValue(connections["current"]) else {
        throw PoolSQLError.internal("serverStatus has no connections.current")
    }
    return current
}

/// How many server connections report `appName` in their handshake (`currentOp` with `$all`).
func serverConnections(withAppName appName: String, via observer: MongoPool) throws -> Int {
    let reply = try jsonObject(observer.runCommand(database: "admin", commandJSON: #"{"currentOp": 1, "$all": true}"#))
    let operations = reply["inprog"] as? [[String: Any]] ?? []
    return operations.filter { operation in
        let metadata = operation["clientMetadata"] as? [String: Any]
        let application = metadata?["application"] as? [String: Any]
        return application?["name"] as? String == appName
    }.count
}

/// Waits until the pool's first (background) health check has finished.
func awaitFirstHealthCheck(_ pool: MongoPool) -> Bool {
    eventually { pool.healthStatus != .initializing }
}
