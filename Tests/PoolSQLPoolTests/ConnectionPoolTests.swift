import Foundation
import PoolSQLCore
import PoolSQLPool
import Synchronization
import Testing

/// Runs `body` on a plain thread (pool checkouts block, so never on the cooperative pool).
func onThread<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
    await withCheckedContinuation { continuation in
        let thread = Thread { continuation.resume(returning: body()) }
        thread.start()
    }
}

/// A value shared between threads in tests.
final class Shared<Value: Sendable>: Sendable {
    private let storage: AnnotatedMutex<Value>
    init(_ value: Value) { storage = AnnotatedMutex(value) }
    var value: Value { storage.withLock { $0 } }
    func update<R: Sendable>(_ change: (inout Value) -> R) -> R { storage.withLock { change(&$0) } }
}

/// Collects a pool's events for assertions.
final class EventRecorder: Sendable {
    let log = PoolEventLog(capacity: 0)
    private let recorded = Shared<[PoolEvent]>([])
    private let subscription: PoolEventSubscription

    init() {
        let recorded = self.recorded
        subscription = log.subscribe { event in recorded.update { $0.append(event) } }
    }

    var events: [PoolEvent] { recorded.value }
    func types(_ filter: Set<PoolEventType>? = nil) -> [PoolEventType] {
        events.map(\.type).filter { filter?.contains($0) ?? true }
    }
    func count(_ type: PoolEventType) -> Int { events.filter { $0.type == type }.count }
}

@Suite("ConnectionPool (mock factory)")
struct ConnectionPoolTests {
    let address = ServerAddress(host: "db.example", port: 27017)

    func makePool(_ options: PoolOptions = PoolOptions(), factory: MockConnectionFactory = MockConnectionFactory(),
                  recorder: EventRecorder, background: Duration? = nil) -> ConnectionPool {
        ConnectionPool(poolName: "p", address: address, options: options, factory: factory, events: recorder.log,
                       backgroundInterval: background)
    }

    @Test("16 threads × 10,000 checkouts against maxPoolSize 4: no deadlock, counters add up")
    func stress() async throws {
        // The log keeps no events (capacity 0); a subscriber counts them.
        let log = PoolEventLog(capacity: 0)
        let checkedOutEvents = Shared(0)
        let counting = log.subscribe { event in
            if event.type == .connectionCheckedOut { checkedOutEvents.update { $0 += 1 } }
        }
        defer { counting.cancel() }
        let pool = ConnectionPool(poolName: "stress", address: address, options: PoolOptions(maxPoolSize: 4, waitQueueTimeoutMS: 2),
                                  factory: MockConnectionFactory(), events: log, backgroundInterval: .milliseconds(5))
        pool.ready()
        let threads = 16, perThread = 10_000
        struct Tally: Sendable { var successes = 0, timeouts = 0, overLimit = 0, otherErrors: [String] = [] }
        let tallies = await withTaskGroup(of: Tally.self) { group -> [Tally] in
            for _ in 0..<threads {
                group.addTask {
                    await onThread {
                        var tally = Tally()
                        for index in 0..<perThread {
                            do {
                                let connection = try pool.checkOut()
                                tally.successes += 1
                                if index % 997 == 0, pool.snapshot().totalConnections > 4 { tally.overLimit += 1 }
                                pool.checkIn(connection)
                            } catch let error as PoolSQLError where error.code == "53300" {
                                tally.timeouts += 1
                            } catch {
                                tally.otherErrors.append("\(error)")
                            }
                        }
                        return tally
                    }
                }
            }
            var all: [Tally] = []
            for await tally in group { all.append(tally) }
            return all
        }
        let snapshot = pool.snapshot()
        let succeeded = tallies.map(\.successes).reduce(0, +), timedOut = tallies.map(\.timeouts).reduce(0, +)
        #expect(tallies.flatMap(\.otherErrors).isEmpty)
        #expect(succeeded + timedOut == threads * perThread)
        #expect(snapshot.checkouts == succeeded)
        #expect(snapshot.checkoutTimeouts == timedOut)
        #expect(snapshot.checkoutFailures == timedOut)
        #expect(checkedOutEvents.value == succeeded)
        #expect(tallies.map(\.overLimit).reduce(0, +) == 0)
        #expect(snapshot.totalConnections <= 4)
        #expect(snapshot.inUseConnections == 0)
        #expect(snapshot.waitQueueLength == 0)
        #expect(snapshot.availableConnections == snapshot.totalConnections - snapshot.pendingConnections)
        pool.close()
    }

    @Test("a failed establishment clears the pool, closes the connection and fails the checkout with the factory's error")
    func establishmentFailure() async throws {
        let recorder = EventRecorder()
        let factory = MockConnectionFactory(.init(failWith: PoolSQLError(.sqlClientUnableToEstablishConnection, "refused")))
        let pool = makePool(factory: factory, recorder: recorder)
        pool.ready()
        let error = await onThread { () -> PoolSQLError? in
            do { _ = try pool.checkOut(); return nil } catch { return error as? PoolSQLError }
        }
        #expect(error?.code == "08001")
        #expect(pool.state == .paused)
        #expect(pool.generation == 1)
        #expect(recorder.types() == [.poolCreated, .poolReady, .connectionCheckOutStarted, .connectionCreated,
                                     .poolCleared, .connectionClosed, .connectionCheckOutFailed])
        #expect(recorder.events.first { $0.type == .connectionClosed }?.reason == .error)
        #expect(recorder.events.last?.reason == .connectionError)
        // Paused: the next checkout fails at once with a retryable 08006, without a new attempt.
        let paused = await onThread { () -> PoolSQLError? in
            do { _ = try pool.checkOut(); return nil } catch { return error as? PoolSQLError }
        }
        #expect(paused?.code == "08006")
        #expect(factory.establishAttempts == 1)
        pool.close()
    }

    @Test("close fails a checkout blocked in establishment at once; the late connection is closed")
    func closeInterruptsPendingEstablishment() async throws {
        let recorder = EventRecorder()
        let factory = MockConnectionFactory(.init(blockUntilReleased: true))
        let pool = makePool(factory: factory, recorder: recorder)
        pool.ready()
        let result = Shared<PoolSQLError?>(nil)
        let done = Shared(false)
        let thread = Thread {
            do { _ = try pool.checkOut() } catch { result.update { $0 = error as? PoolSQLError } }
            done.update { $0 = true }
        }
        thread.start()
        #expect(eventually { recorder.count(.connectionCreated) == 1 })
        pool.close()
        #expect(eventually { done.value })
        #expect(result.value?.code == "55000")
        #expect(recorder.events.first { $0.type == .connectionClosed }?.reason == .poolClosed)
        #expect(recorder.events.first { $0.type == .connectionCheckOutFailed }?.reason == .poolClosed)
        factory.release()
        #expect(eventually { factory.connections.count == 1 && factory.connections.allSatisfy(\.isClosed) })
        #expect(pool.snapshot().totalConnections == 0)
    }

    @Test("checkIn: perished connections close with reason error; double and foreign check-ins are refused")
    func checkInRules() async throws {
        let recorder = EventRecorder()
        let pool = makePool(recorder: recorder)
        let other = makePool(recorder: EventRecorder())
        pool.ready()
        other.ready()
        let (first, second, foreign) = try await onThread {
            Result { (try pool.checkOut(), try pool.checkOut(), try other.checkOut()) }
        }.get()
        #expect(first.id == 1 && second.id == 2)
        #expect(first.serverConnectionID == 1001)
        first.markPerished()
        #expect(pool.checkIn(first))
        #expect(!pool.checkIn(first))
        #expect(!pool.checkIn(foreign))
        #expect(pool.checkIn(second))
        let closed = recorder.events.filter { $0.type == .connectionClosed }
        #expect(closed.map(\.connectionID) == [1] && closed.first?.reason == .error)
        let snapshot = pool.snapshot()
        #expect(snapshot.totalConnections == 1 && snapshot.availableConnections == 1 && snapshot.inUseConnections == 0)
        #expect(snapshot.connections.map(\.connectionID) == [2])
        #expect(snapshot.connections.first?.checkoutCount == 1)
        pool.close()
        other.close()
    }

    @Test("update(options:): a larger maxPoolSize serves a waiter, a smaller one drains, a larger minPoolSize fills")
    func liveOptionChanges() async throws {
        let recorder = EventRecorder()
        let pool = makePool(PoolOptions(maxPoolSize: 1, waitQueueTimeoutMS: 0), recorder: recorder, background: .milliseconds(10))
        pool.ready()
        let held = try await onThread { Result { try pool.checkOut() } }.get()
        let waiter = Shared<PooledConnection?>(nil)
        let thread = Thread {
            let connection = try? pool.checkOut()
            waiter.update { $0 = connection }
        }
        thread.start()
        #expect(eventually { pool.snapshot().waitQueueLength == 1 })
        pool.update(options: PoolOptions(maxPoolSize: 2, waitQueueTimeoutMS: 0))
        #expect(eventually { waiter.value != nil })
        #expect(pool.snapshot().totalConnections == 2)
        pool.update(options: PoolOptions(maxPoolSize: 1, waitQueueTimeoutMS: 0))
        pool.checkIn(held)
        #expect(pool.snapshot().totalConnections == 1)
        if let second = waiter.value { pool.checkIn(second) }
        pool.update(options: PoolOptions(minPoolSize: 3, maxPoolSize: 5))
        #expect(eventually { pool.snapshot().availableConnections == 3 })
        pool.close()
        #expect(pool.snapshot().totalConnections == 0)
    }

    @Test("clear(interruptInUseConnections:) marks in-use connections perished; they close on check-in")
    func interruptInUse() async throws {
        let recorder = EventRecorder()
        let pool = makePool(recorder: recorder)
        pool.ready()
        let connection = try await onThread { Result { try pool.checkOut() } }.get()
        pool.clear(interruptInUseConnections: true, reason: "test")
        #expect(connection.isPerished)
        #expect(recorder.events.last?.type == .poolCleared && recorder.events.last?.interruptInUseConnections == true)
        pool.checkIn(connection)
        // Interrupted connections perished (the spec names no reason for them; "error" says why).
        #expect(recorder.events.last?.type == .connectionClosed && recorder.events.last?.reason == .error)
        pool.ready()
        let fresh = try await onThread { Result { try pool.checkOut() } }.get()
        #expect(fresh.id == 2 && fresh.generation == 1)
        pool.close()
    }

    @Test("a pool that is dropped without close() is deallocated; its background thread does not keep it alive")
    func droppedPoolIsReleased() async throws {
        weak var released: ConnectionPool?
        do {
            let pool = makePool(PoolOptions(minPoolSize: 1), recorder: EventRecorder(), background: .milliseconds(5))
            pool.ready()
            #expect(eventually { pool.snapshot().availableConnections == 1 })
            released = pool
        }
        #expect(eventually { released == nil })
    }

    @Test("operation statistics: counts, error rate and HDR percentiles")
    func operationStatistics() {
        let pool = makePool(recorder: EventRecorder())
        for millisecond in 1...100 { pool.recordOperation(duration: .milliseconds(millisecond), failed: millisecond % 10 == 0) }
        let statistics = pool.operationStatisticsSnapshot()
        #expect(statistics.operations == 100 && statistics.errors == 10)
        #expect(statistics.errorRate == 0.1)
        #expect(abs(statistics.p95OperationTimeMS - 95) < 0.2)
        #expect(abs(statistics.p99OperationTimeMS - 99) < 0.2)
        #expect(abs(statistics.avgOperationTimeMS - 50.5) < 0.001)
        pool.close()
    }
}
