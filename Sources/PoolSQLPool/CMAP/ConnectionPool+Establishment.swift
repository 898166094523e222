import Foundation
import PoolSQLCore

extension ConnectionPoolCore {
    /// Establishes the checkout's reserved connection on a dedicated thread and waits for it;
    /// a clear with `interruptInUseConnections` or a close fails the wait at once.
    func establishForCheckout(_ request: CheckoutRequest, _ pendingConnection: PendingConnection) throws -> PooledConnection {
        startEstablishing(pendingConnection)
        switch try awaitGrant(request, deadline: nil, timeoutMS: 0) {
        case let .connection(connection):
            return connection
        case let .failure(error):
            throw error
        case .establish:
            throw PoolSQLError.internal("connection pool \"\(poolName)\": a checkout was granted two establishments")
        }
    }

    /// Runs the factory on a new thread; the result is handed back through `finishEstablishing`.
    func startEstablishing(_ pendingConnection: PendingConnection) {
        let request = ConnectionRequest(address: address, connectionID: pendingConnection.id,
                                        generation: pendingConnection.generation, options: pendingConnection.options,
                                        interrupted: pendingConnection.interrupted)
        let thread = Thread { [self] in
            let result: Result<any EstablishedConnection, PoolSQLError>
            do {
                result = .success(try factory.establish(request))
            } catch let error as PoolSQLError {
                result = .failure(error)
            } catch {
                result = .failure(PoolSQLError(.sqlClientUnableToEstablishConnection,
                                               "connection pool \"\(poolName)\" could not connect to \(address): \(error)"))
            }
            finishEstablishing(pendingConnection, result: result)
        }
        thread.name = "poolsql-cmap-\(poolName)-connect-\(pendingConnection.id)"
        thread.start()
    }

    /// Records an establishment's outcome. An abandoned one (cleared with interruption, or the
    /// pool closed) is closed quietly: its events were emitted when it was abandoned.
    ///
    /// A failure clears the pool (the SDAM rule for handshake errors), unless the pool was
    /// cleared since the connection started: events `pool_cleared`, `connection_closed`
    /// (error), then `connection_check_out_failed` (connectionError) for a checkout.
    func finishEstablishing(_ pendingConnection: PendingConnection, result: Result<any EstablishedConnection, PoolSQLError>) {
        let readyAt = PoolInstant.now()
        var toClose: [PooledConnection] = []
        let abandoned = book.withLock { book -> Bool in
            guard book.removePending(pendingConnection) else { return true }
            switch result {
            case let .success(established):
                let connection = PooledConnection(
                    id: pendingConnection.id, generation: pendingConnection.generation, address: address,
                    connection: established, createdAt: pendingConnection.createdTimestamp,
                    establishDuration: .nanoseconds(readyAt - pendingConnection.createdAt), owner: ObjectIdentifier(self),
                    readyAt: readyAt)
                book.established[connection.id] = connection
                book.record(.connectionReady, at: readyAt, connectionID: connection.id,
                            durationNanoseconds: readyAt - pendingConnection.createdAt)
                if let checkout = pendingConnection.checkout {
                    book.markCheckedOut(connection, start: checkout.start, now: readyAt)
                    checkout.fulfil(.connection(connection))
                } else if connection.generation != book.generation {
                    connection.poolState = .available
                    book.close(connection, reason: .stale, into: &toClose)
                } else {
                    connection.poolState = .available
                    book.available.append(connection)
                }
            case let .failure(error):
                if pendingConnection.generation == book.generation {
                    book.clear(interruptInUseConnections: false, detail: "establishing connection \(pendingConnection.id) failed: \(error.message)",
                               closing: &toClose)
                }
                book.connectionsClosed += 1
                book.emit(.connectionClosed, connectionID: pendingConnection.id, reason: .error, detail: error.message)
                if let checkout = pendingConnection.checkout {
                    book.failCheckout(checkout, reason: .connectionError, error: error)
                }
            }
            // A slot under maxConnecting (and maybe a connection) is free now.
            book.serveWaiters(closing: &toClose)
            return false
        }
        if abandoned, case let .success(established) = result { established.close() }
        Self.closeConnections(toClose)
    }
}
