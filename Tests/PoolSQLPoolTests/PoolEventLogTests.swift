import Foundation
import PoolSQLCore
import PoolSQLPool
import Synchronization
import Testing

/// The event log's storage: compact records for checkouts, whole events for the rest, one ring
/// and one order for every server pool that shares the log.
@Suite("PoolEventLog")
struct PoolEventLogTests {
    let first = ServerAddress(host: "a.example", port: 27017)
    let second = ServerAddress(host: "b.example", port: 27018)

    func pool(_ name: String, _ address: ServerAddress, log: PoolEventLog) -> ConnectionPool {
        ConnectionPool(poolName: name, address: address, options: PoolOptions(), factory: MockConnectionFactory(), events: log,
                       backgroundInterval: nil)
    }

    @Test("the buffer reads back exactly what subscribers got, in one order across server pools")
    func bufferMatchesSubscribers() async throws {
        let log = PoolEventLog(capacity: 100)
        let delivered = Shared<[PoolEvent]>([])
        let subscription = log.subscribe { event in delivered.update { $0.append(event) } }
        defer { subscription.cancel() }
        let poolA = pool("p", first, log: log)
        let poolB = pool("p", second, log: log)
        poolA.ready()
        poolB.ready()
        let checkedIn = try await onThread { () -> Result<Bool, any Error> in
            Result {
                let a = try poolA.checkOut()
                let b = try poolB.checkOut()
                return poolA.checkIn(a) && poolB.checkIn(b)
            }
        }.get()
        #expect(checkedIn)
        log.emit(PoolEvent(poolName: "p", type: .serverHeartbeatSucceeded, serverAddress: first, durationMS: 1.5, detail: "ok"))
        poolA.close()
        poolB.close()

        let buffered = log.events()
        #expect(buffered == delivered.value)
        #expect(buffered.count == log.emittedCount)
        #expect(buffered.map(\.type) == [
            .poolCreated, .poolCreated, .poolReady, .poolReady,
            .connectionCheckOutStarted, .connectionCreated, .connectionReady, .connectionCheckedOut,
            .connectionCheckOutStarted, .connectionCreated, .connectionReady, .connectionCheckedOut,
            .connectionCheckedIn, .connectionCheckedIn, .serverHeartbeatSucceeded,
            .connectionClosed, .poolClosed, .connectionClosed, .poolClosed,
        ])
        #expect(buffered.map(\.serverAddress) == [
            first, second, first, second, first, first, first, first, second, second, second, second, first, second, first,
            first, first, second, second,
        ])
        #expect(buffered.allSatisfy { $0.poolName == "p" })
        let connectionEvents = buffered.filter { $0.type.rawValue.hasPrefix("connection_") && $0.type != .connectionCheckOutStarted }
        #expect(connectionEvents.allSatisfy { $0.connectionID == 1 })
        #expect(buffered.filter { $0.type == .connectionCheckedOut || $0.type == .connectionReady }.allSatisfy { ($0.durationMS ?? -1) >= 0 })
        #expect(buffered.filter { $0.type == .connectionCheckOutStarted || $0.type == .connectionCheckedIn }.allSatisfy { $0.durationMS == nil })
        #expect(buffered.filter { $0.type == .connectionClosed }.allSatisfy { $0.reason == .poolClosed })
        #expect(buffered.last(where: { $0.type == .serverHeartbeatSucceeded })?.detail == "ok")
        // One monotonic clock reading per critical section: times never go back in buffer order.
        let times = buffered.filter { $0.type != .serverHeartbeatSucceeded }.map(\.time.microseconds)
        #expect(times == times.sorted())
        let now = Timestamp.now().microseconds
        #expect(times.allSatisfy { abs($0 - now) < 60_000_000 })
    }

    @Test("a full ring drops the oldest events, whole or compact; resizing keeps the newest")
    func ringDropsTheOldest() {
        let log = PoolEventLog(capacity: 3)
        for number in 1...5 {
            log.emit(PoolEvent(poolName: "p", type: .serverOpening, serverAddress: first, connectionID: number, detail: "event \(number)"))
        }
        #expect(log.emittedCount == 5)
        #expect(log.events().map(\.connectionID) == [3, 4, 5])
        #expect(log.events().map(\.detail) == ["event 3", "event 4", "event 5"])
        log.resize(capacity: 2)
        #expect(log.events().map(\.connectionID) == [4, 5])
        log.resize(capacity: 4)
        let poolA = pool("p", first, log: log)
        #expect(log.events().map(\.type) == [.serverOpening, .serverOpening, .poolCreated])
        poolA.ready()
        poolA.close()
        #expect(log.events().map(\.type) == [.serverOpening, .poolCreated, .poolReady, .poolClosed])
        log.resize(capacity: 0)
        #expect(log.events().isEmpty)
        #expect(log.emittedCount == 8)
    }
}
