import Synchronization

/// What a CMAP pool asks its factory to open: one connection to one server.
public struct ConnectionRequest: Sendable {
    /// The server the pool belongs to.
    public var address: ServerAddress
    /// The pool-assigned id (CMAP: unique and increasing within the pool, starting at 1).
    public var connectionID: Int
    /// The pool generation the connection is opened in.
    public var generation: Int
    /// The pool's options at the moment the connection starts opening (timeouts, appName, tls…
    /// are baked into the connection; later changes apply to later connections).
    public var options: PoolOptions
    /// Set when the pool no longer wants this connection (cleared with
    /// `interruptInUseConnections`, or closed) while it is still being established. A factory
    /// that can abort early polls it; the pool does not wait for the factory to notice.
    public var interrupted: InterruptFlag

    public init(address: ServerAddress, connectionID: Int, generation: Int, options: PoolOptions, interrupted: InterruptFlag = InterruptFlag()) {
        self.address = address
        self.connectionID = connectionID
        self.generation = generation
        self.options = options
        self.interrupted = interrupted
    }
}

/// A one-way flag shared between the pool and a factory establishing a connection.
public final class InterruptFlag: Sendable {
    private let flag = Atomic<Bool>(false)
    public init() {}
    public var isSet: Bool { flag.load(ordering: .acquiring) }
    public func set() { flag.store(true, ordering: .releasing) }
}

/// Opens connections for a `ConnectionPool`. The libmongoc implementation opens a
/// single-threaded `mongoc_client_t` with `directConnection=true` (one TCP connection, handshake
/// with appName); tests use a mock.
///
/// `establish` blocks and is only ever called on a dedicated thread (never on Swift's
/// cooperative pool). It throws a `PoolSQLError` (08001 could not connect, 28000 auth, or the
/// server's error for a failed handshake).
public protocol ConnectionFactory: Sendable {
    func establish(_ request: ConnectionRequest) throws -> any EstablishedConnection
}

/// One established connection, owned by the pool. The pool hands it to one thread at a time.
public protocol EstablishedConnection: AnyObject, Sendable {
    /// The id the server reported for this connection in its hello reply (`connectionId`), so
    /// it can be matched with the server's `currentOp`; nil when unknown (mocks).
    var serverConnectionID: Int? { get }
    /// True once the connection is known to be dead (a network error was seen on it, or the
    /// socket was closed by the peer). A perished connection is closed, never reused (CMAP).
    var isPerished: Bool { get }
    /// Closes the connection (blocking, idempotent).
    func close()
}
