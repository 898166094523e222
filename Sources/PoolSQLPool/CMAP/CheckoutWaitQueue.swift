import Dispatch
import PoolSQLCore

/// One `checkOut` call that waits: in the wait queue for a connection or an establishment
/// slot, then (if it got a slot) for its connection to be established.
///
/// `@unchecked Sendable`: `grant` is read and written only under the pool's lock; the
/// semaphore is thread-safe.
final class CheckoutRequest: @unchecked Sendable {
    enum Grant {
        /// A connection, already marked in use and reported `connection_checked_out`.
        case connection(PooledConnection)
        /// A reserved establishment slot: the checkout establishes this connection itself.
        case establish(PendingConnection)
        /// The checkout failed (its `connection_check_out_failed` event is already emitted).
        case failure(PoolSQLError)
    }

    let ticket: Int
    let start: PoolInstant
    let wakeUp = DispatchSemaphore(value: 0)
    var grant: Grant?

    init(ticket: Int, start: PoolInstant) {
        self.ticket = ticket
        self.start = start
    }

    /// Hands over the outcome and wakes the waiting thread. Call under the pool's lock.
    func fulfil(_ grant: Grant) {
        self.grant = grant
        wakeUp.signal()
    }
}

/// A connection being established: counted in `pendingConnectionCount` and against
/// `maxConnecting` until it is ready, failed or interrupted.
struct PendingConnection: Sendable {
    let id: Int
    let generation: Int
    let createdAt: PoolInstant
    let createdTimestamp: Timestamp
    /// The options at creation (baked into the connection).
    let options: PoolOptions
    let interrupted: InterruptFlag
    /// The checkout that will receive it; nil when the background thread populates the pool.
    let checkout: CheckoutRequest?
}

/// The FIFO of waiting checkouts (CMAP's WaitQueue). Timed-out requests leave from anywhere in
/// the queue; the slot is tombstoned and skipped, so removal never shifts the array.
struct CheckoutWaitQueue {
    private var storage: [CheckoutRequest?] = []
    private var head = 0
    private(set) var count = 0

    var isEmpty: Bool { count == 0 }

    var first: CheckoutRequest? {
        count == 0 ? nil : storage[head]
    }

    mutating func append(_ request: CheckoutRequest) {
        storage.append(request)
        count += 1
    }

    @discardableResult
    mutating func removeFirst() -> CheckoutRequest? {
        guard count > 0, let request = storage[head] else { return nil }
        storage[head] = nil
        count -= 1
        advanceHead()
        return request
    }

    /// Removes the request with `ticket`; false when it is no longer queued.
    mutating func remove(ticket: Int) -> Bool {
        guard count > 0 else { return false }
        for index in head..<storage.count where storage[index]?.ticket == ticket {
            storage[index] = nil
            count -= 1
            advanceHead()
            return true
        }
        return false
    }

    mutating func removeAll() -> [CheckoutRequest] {
        let all = storage[head...].compactMap { $0 }
        storage.removeAll(keepingCapacity: true)
        head = 0
        count = 0
        return all
    }

    /// Keeps `head` on a live request and drops the consumed prefix once it dominates.
    private mutating func advanceHead() {
        if count == 0 {
            storage.removeAll(keepingCapacity: true)
            head = 0
            return
        }
        while storage[head] == nil { head += 1 }
        if head >= 64 && head * 2 >= storage.count {
            storage.removeFirst(head)
            head = 0
        }
    }
}
