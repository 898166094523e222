@testable import PoolSQL
import PoolSQLPool
import Testing

/// The engine's forwarding of one pool's events to its subscribers: events emitted before the pool
/// was attached are replayed first, in order, none twice.
@Suite struct PoolEventForwarderTests {
    func event(_ number: Int) -> PoolEvent {
        PoolEvent(poolName: "p", type: .connectionCreated, connectionID: number)
    }

    func collect(_ hub: PoolEventLog) -> (Recorder<Int>, PoolEventSubscription) {
        let seen = Recorder<Int>()
        let subscription = hub.subscribe { event in seen.append(event.connectionID ?? -1) }
        return (seen, subscription)
    }

    @Test func bufferedEventsComeFirstThenLiveOnes() {
        let log = PoolEventLog(capacity: 10)
        let hub = PoolEventLog(capacity: 0)
        let (seen, subscription) = collect(hub)
        defer { subscription.cancel() }
        log.emit(event(1))
        log.emit(event(2))
        PoolEventForwarder.forward(log, to: hub)
        log.emit(event(3))
        #expect(seen.all == [1, 2, 3])
    }

    @Test func onlyWhatTheBufferStillHoldsIsReplayed() {
        let log = PoolEventLog(capacity: 2)
        let hub = PoolEventLog(capacity: 0)
        let (seen, subscription) = collect(hub)
        defer { subscription.cancel() }
        for number in 1...5 { log.emit(event(number)) }
        PoolEventForwarder.forward(log, to: hub)
        log.emit(event(6))
        #expect(seen.all == [4, 5, 6])
    }

    @Test func eventsEmittedWhileAttachingAreNeitherLostNorRepeated() async {
        for _ in 0..<20 {
            let log = PoolEventLog(capacity: 100_000)
            let hub = PoolEventLog(capacity: 0)
            let (seen, subscription) = collect(hub)
            await withTaskGroup(of: Void.self) { group in
                group.addTask {
                    for number in 0..<1000 { log.emit(self.event(number)) }
                }
                group.addTask { PoolEventForwarder.forward(log, to: hub) }
            }
            #expect(seen.all == Array(0..<1000))
            subscription.cancel()
        }
    }
}
