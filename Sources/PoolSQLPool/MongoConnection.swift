import PoolSQLCore

/// A connection checked out of a `MongoPool`, valid only inside the `withConnection` body that
/// received it (it is not `Sendable`, and it refuses to run anything after the body returns).
public final class MongoConnection {
    let client: PooledClient
    let core: PoolCore
    private var checkedOut = true

    init(client: PooledClient, core: PoolCore) {
        self.client = client
        self.core = core
    }

    /// The pool-unique number of the connection (1, 2, …).
    public var id: Int { client.id }

    /// True when an operation on it failed at the network level; the pool will close it instead
    /// of taking it back.
    public var isBroken: Bool { client.broken.load(ordering: .acquiring) }

    /// Runs a command (extended JSON, e.g. `{"ping": 1}`) against `database` and returns the
    /// server's reply as relaxed extended JSON. The command counts in the pool's operations,
    /// errors and operation time. Server errors are HV000, network errors 08006 (and the
    /// connection is then closed and the pool cleared), malformed JSON 22P02.
    public func runCommand(database: String, commandJSON: String) throws -> String {
        guard checkedOut else {
            throw PoolSQLError(.objectNotInPrerequisiteState,
                               "connection \(id) of pool \"\(core.name)\" was used after it was returned to the pool")
        }
        let start = ContinuousClock.now
        do {
            let reply = try client.runCommand(database: database, commandJSON: commandJSON)
            core.recordOperation(duration: ContinuousClock.now - start, failed: false)
            return reply
        } catch let failure as PooledClient.CommandFailure {
            core.recordOperation(duration: ContinuousClock.now - start, failed: true)
            if failure.error.isNetworkError { core.clear() }
            throw PoolSQLError.driver(failure.error, uri: core.uri, pool: core.name, establishing: false)
        }
    }

    /// Runs `{"ping": 1}` on `admin`.
    public func ping() throws {
        _ = try runCommand(database: "admin", commandJSON: #"{"ping": 1}"#)
    }

    func invalidate() {
        checkedOut = false
    }
}

extension MongoConnection: CustomStringConvertible {
    public var description: String { "MongoConnection(\(id), pool: \(core.name), \(core.uri.redacted))" }
}
