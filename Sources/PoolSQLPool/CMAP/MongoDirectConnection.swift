import CMongoC
import PoolSQLCore
import Synchronization

/// One server connection: a single-threaded `mongoc_client_t` with `directConnection=true`,
/// which runs its commands on the socket its handshake opened.
///
/// `@unchecked Sendable`: the C client is not thread-safe and is used by one thread at a time
/// (the pool hands a connection to one thread and takes it back through its lock); the flags
/// are atomics.
public final class MongoDirectConnection: EstablishedConnection, @unchecked Sendable {
    public let serverConnectionID: Int?
    let poolName: String
    let uri: MongoURI
    let client: OpaquePointer
    let closed = Atomic<Bool>(false)
    let perished = Atomic<Bool>(false)

    init(client: OpaquePointer, serverConnectionID: Int?, poolName: String, uri: MongoURI) {
        self.client = client
        self.serverConnectionID = serverConnectionID
        self.poolName = poolName
        self.uri = uri
    }

    deinit { close() }

    /// True after a network error: CMAP closes such a connection instead of reusing it.
    public var isPerished: Bool { perished.load(ordering: .acquiring) || closed.load(ordering: .acquiring) }

    /// Runs one command (extended JSON) against `database` and returns the reply as relaxed
    /// extended JSON. Server errors are HV000, network errors 08006 (and the connection
    /// perishes), malformed JSON 22P02.
    public func runCommand(database: String, commandJSON: String) throws -> String {
        do {
            return try runCommandReportingFailure(database: database, commandJSON: commandJSON)
        } catch let failure as CommandFailure {
            throw failure.error
        }
    }

    /// Runs `{"ping": 1}` on `admin`.
    public func ping() throws {
        do {
            try pingReportingFailure()
        } catch let failure as CommandFailure {
            throw failure.error
        }
    }

    /// Destroys the C client (closing its socket). Idempotent.
    public func close() {
        if closed.exchange(true, ordering: .acquiringAndReleasing) { return }
        mongoc_client_destroy(client)
    }
}
