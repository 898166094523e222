import PoolSQLCore

/// A connection checked out of a `MongoPool`, valid only inside the `withConnection` body that
/// received it: it is not `Sendable`, and once the body returns it refuses to run anything
/// (a copy kept past the body throws 55000, even when the connection has since gone to another
/// checkout).
///
/// A struct, so a checkout allocates nothing: its validity is the connection's lease number
/// (`PooledConnection.isLeased`), not a flag of its own.
public struct MongoConnection {
    let pooled: PooledConnection
    let serverPool: ConnectionPool
    /// Unowned: a connection lives only inside `withConnection`, which holds the pool; a strong
    /// reference here cost a retain/release pair on every checkout.
    unowned(unsafe) let pool: MongoPool
    /// The checkout this handle belongs to (the connection's `checkoutCount` then).
    let lease: Int

    init(pooled: PooledConnection, serverPool: ConnectionPool, pool: MongoPool) {
        self.pooled = pooled
        self.serverPool = serverPool
        self.pool = pool
        self.lease = pooled.checkoutCount
    }

    /// The pool-unique number of the connection (1, 2, … per server).
    public var id: Int { pooled.id }

    /// The server this connection is connected to.
    public var serverAddress: ServerAddress { pooled.address }

    /// The id the server gave this connection (`currentOp`'s `connectionId`), if known.
    public var serverConnectionID: Int? { pooled.serverConnectionID }

    /// True when an operation on it failed at the network level; the pool will close it instead
    /// of taking it back.
    public var isBroken: Bool { pooled.isPerished }

    /// Runs a command (extended JSON, e.g. `{"ping": 1}`) against `database` and returns the
    /// server's reply as relaxed extended JSON. The command counts in the pool's operations,
    /// errors and latency histogram. Server errors are HV000, network errors 08006 (the
    /// connection is then closed, and the pool cleared unless it was a timeout), malformed JSON
    /// 22P02.
    public func runCommand(database: String, commandJSON: String) throws -> String {
        try measured { try $0.runCommandReportingFailure(database: database, commandJSON: commandJSON) }
    }

    /// Runs one driver call on the connection, counting it in the pool's operations, errors and
    /// latency histogram, and applying SDAM's error rules to a failure.
    private func measured<T>(_ call: (MongoDirectConnection) throws -> T) throws -> T {
        guard pooled.isLeased(lease) else {
            throw PoolSQLError(.objectNotInPrerequisiteState,
                               "connection \(id) of pool \"\(pool.name)\" was used after it was returned to the pool")
        }
        guard let direct = pooled.connection as? MongoDirectConnection else {
            throw PoolSQLError.internal("pool \"\(pool.name)\" handed out a connection that is not a MongoDB connection")
        }
        let start = ContinuousClock.now
        do {
            let result = try call(direct)
            pool.recordOperation(duration: ContinuousClock.now - start, failed: false)
            return result
        } catch let failure as MongoDirectConnection.CommandFailure {
            let elapsed = ContinuousClock.now - start
            pool.recordOperation(duration: elapsed, failed: true)
            let socketTimeoutMS = pool.options.socketTimeoutMS
            // libmongoc reports a socket timeout as a plain stream error; the elapsed time tells
            // it apart from a reset or closed connection.
            let timedOut = failure.driver.isTimeout
                || (socketTimeoutMS > 0 && elapsed >= .milliseconds(socketTimeoutMS) * 0.9)
            pool.handleOperationFailure(failure.driver, timedOut: timedOut, on: pooled, serverPool: serverPool)
            throw failure.error
        }
    }

    /// Runs `{"ping": 1}` on `admin`.
    public func ping() throws {
        try measured { try $0.pingReportingFailure() }
    }
}

/// Not `Sendable`: a checked-out connection belongs to the thread running the body.
@available(*, unavailable)
extension MongoConnection: Sendable {}

extension MongoConnection: CustomStringConvertible {
    public var description: String { "MongoConnection(\(id), pool: \(pool.name), \(pooled.address))" }
}
