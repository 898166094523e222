import Foundation
import PoolSQLCore
import PoolSQLPool
import Synchronization

/// A connection that does nothing: the CMAP unit tests only look at the pool.
final class MockConnection: EstablishedConnection {
    let serverConnectionID: Int?
    private let perishedFlag = Atomic<Bool>(false)
    private let closedFlag = Atomic<Bool>(false)

    init(serverConnectionID: Int?) { self.serverConnectionID = serverConnectionID }

    var isPerished: Bool { perishedFlag.load(ordering: .acquiring) }
    var isClosed: Bool { closedFlag.load(ordering: .acquiring) }
    func perish() { perishedFlag.store(true, ordering: .releasing) }
    func close() { closedFlag.store(true, ordering: .releasing) }
}

/// Establishes mock connections at once, or as told: fail, or block until released.
final class MockConnectionFactory: ConnectionFactory {
    struct Behaviour: Sendable {
        var failWith: PoolSQLError?
        var blockUntilReleased = false
    }

    private let behaviour: AnnotatedMutex<Behaviour>
    private let released = Atomic<Bool>(false)
    private let opened = AnnotatedMutex<[MockConnection]>([])
    private let attempts = Atomic<Int>(0)

    init(_ behaviour: Behaviour = Behaviour()) {
        self.behaviour = AnnotatedMutex(behaviour)
    }

    func set(_ change: (inout Behaviour) -> Void) { behaviour.withLock { change(&$0) } }
    func release() { released.store(true, ordering: .releasing) }
    var connections: [MockConnection] { opened.withLock { $0 } }
    var establishAttempts: Int { attempts.load(ordering: .acquiring) }

    func establish(_ request: ConnectionRequest) throws -> any EstablishedConnection {
        attempts.add(1, ordering: .relaxed)
        let current = behaviour.withLock { $0 }
        if current.blockUntilReleased {
            while !released.load(ordering: .acquiring) { Thread.sleep(forTimeInterval: 0.005) }
        }
        if let error = current.failWith { throw error }
        let connection = MockConnection(serverConnectionID: 1000 + request.connectionID)
        opened.withLock { $0.append(connection) }
        return connection
    }
}
