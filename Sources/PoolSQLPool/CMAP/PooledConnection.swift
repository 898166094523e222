import PoolSQLCore
import Synchronization

/// One established connection of a `ConnectionPool`, handed to one thread at a time by
/// `checkOut` and given back with `checkIn`.
///
/// `@unchecked Sendable`: the bookkeeping `var`s are written only by the owning pool while it
/// holds its lock (in checkOut, checkIn, close); the holder reads them only between its own
/// checkOut and checkIn, which that lock orders with every write.
public final class PooledConnection: @unchecked Sendable {
    /// The pool-assigned id (1, 2, … in order of creation).
    public let id: Int
    /// The pool generation the connection was created in; a clear makes it stale.
    public let generation: Int
    public let address: ServerAddress
    /// The driver connection (a `MongoDirectConnection` for libmongoc pools).
    public let connection: any EstablishedConnection
    public let createdAt: Timestamp
    /// How long establishing took (the `connection_ready` duration).
    public let establishDuration: Duration

    /// Identifies the pool that created it, so a foreign check-in is refused.
    let owner: ObjectIdentifier
    private let perishedFlag = Atomic<Bool>(false)
    /// The checkout that holds the connection (its `checkoutCount` at checkout), 0 while it is
    /// not checked out. A `MongoConnection` handle compares its own number with it, so a handle
    /// kept past its `withConnection` body refuses to run commands, even after the connection
    /// went to another checkout. Written under the pool's lock, read by the holder.
    private let activeLease = Atomic<Int>(0)

    // Guarded by the owning pool's lock, which already excludes overlapping accesses; the
    // runtime's dynamic exclusivity checks on these fields were a measurable part of every
    // checkout, so they are turned off for them.
    @exclusivity(unchecked) var poolState: PooledConnectionState = .inUse
    @exclusivity(unchecked) public internal(set) var lastCheckedOutAt: Timestamp?
    @exclusivity(unchecked) public internal(set) var lastCheckedInAt: Timestamp?
    @exclusivity(unchecked) public internal(set) var checkoutCount = 0
    /// When it last became available (for `maxIdleTimeMS`).
    @exclusivity(unchecked) var availableSince: PoolInstant

    init(id: Int, generation: Int, address: ServerAddress, connection: any EstablishedConnection, createdAt: Timestamp,
         establishDuration: Duration, owner: ObjectIdentifier, readyAt: PoolInstant) {
        self.id = id
        self.generation = generation
        self.address = address
        self.connection = connection
        self.createdAt = createdAt
        self.establishDuration = establishDuration
        self.owner = owner
        self.availableSince = readyAt
    }

    func beginLease(_ lease: Int) {
        activeLease.store(lease, ordering: .releasing)
    }

    func endLease() {
        activeLease.store(0, ordering: .releasing)
    }

    /// True while the checkout numbered `lease` holds the connection.
    func isLeased(_ lease: Int) -> Bool {
        lease != 0 && activeLease.load(ordering: .acquiring) == lease
    }

    /// Marks the connection unusable (an operation on it saw a network error, or the pool
    /// interrupted it): check-in closes it with reason `error` instead of keeping it.
    public func markPerished() {
        perishedFlag.store(true, ordering: .releasing)
    }

    /// True once `markPerished()` was called or the driver connection knows it is dead.
    public var isPerished: Bool {
        perishedFlag.load(ordering: .acquiring) || connection.isPerished
    }

    /// The id the server gave the connection (`hello`'s `connectionId`), if known.
    public var serverConnectionID: Int? { connection.serverConnectionID }
}

/// Where an established connection is, from its pool's point of view.
enum PooledConnectionState {
    case available
    case inUse
    case closed
}
