import Foundation
import PoolSQLCore
import Synchronization

/// What one measured interval of concurrent operations cost the client.
struct ThroughputSample: Sendable, Encodable {
    var operations: Int
    var wallSeconds: Double
    var cpuMicroseconds: Double
    /// The kernel's share of `cpuMicroseconds` (socket calls, futex waits, thread wake-ups).
    var systemMicroseconds: Double
    var cpuMicrosecondsPerOp: Double { cpuMicroseconds / Double(operations) }
    var opsPerSecond: Double { Double(operations) / wallSeconds }

    private enum CodingKeys: String, CodingKey {
        case operations, wallSeconds, cpuMicroseconds, systemMicroseconds, cpuMicrosecondsPerOp, opsPerSecond
    }

    /// The derived per-operation figures are written too, in the same shape as the Node runs.
    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(operations, forKey: .operations)
        try container.encode(wallSeconds, forKey: .wallSeconds)
        try container.encode(cpuMicroseconds, forKey: .cpuMicroseconds)
        try container.encode(systemMicroseconds, forKey: .systemMicroseconds)
        try container.encode(cpuMicrosecondsPerOp, forKey: .cpuMicrosecondsPerOp)
        try container.encode(opsPerSecond, forKey: .opsPerSecond)
    }
}

/// Runs an operation back to back on several OS threads for a fixed time and measures the
/// process's CPU time (getrusage, all threads) and the wall time of exactly that interval.
/// The threads are created and parked before the first reading, so thread start-up is not
/// counted; the operations still in flight when time is up finish and are counted.
enum ConcurrentRunner {
    private final class Control: Sendable {
        let stop = Atomic<Bool>(false)
        let start = DispatchSemaphore(value: 0)
        let finished = DispatchSemaphore(value: 0)
        let counts = Mutex<[Int]>([])
        let failure = Mutex<(any Error)?>(nil)
    }

    /// `makeOperation` runs once on each thread, before the measured interval, and returns that
    /// thread's operation (so per-thread state such as a reply buffer is set up outside it).
    static func measure(threads: Int, seconds: Double,
                        makeOperation: @escaping @Sendable () -> () throws -> Void) throws -> ThroughputSample {
        let control = Control()
        for index in 0..<threads {
            let thread = Thread {
                let operation = makeOperation()
                control.start.wait()
                var count = 0
                do {
                    while !control.stop.load(ordering: .relaxed) {
                        try operation()
                        count += 1
                    }
                } catch {
                    control.failure.withLock { $0 = $0 ?? error }
                    control.stop.store(true, ordering: .relaxed)
                }
                control.counts.withLock { $0.append(count) }
                control.finished.signal()
            }
            thread.name = "bench-\(index)"
            thread.start()
        }
        let before = ProcessClock.now()
        for _ in 0..<threads { control.start.signal() }
        let deadline = before.wall + .nanoseconds(Int64(seconds * 1e9))
        while ContinuousClock.now < deadline, !control.stop.load(ordering: .relaxed) {
            Thread.sleep(forTimeInterval: min(0.05, max(0, (deadline - ContinuousClock.now).seconds)))
        }
        control.stop.store(true, ordering: .relaxed)
        for _ in 0..<threads { control.finished.wait() }
        let after = ProcessClock.now()
        if let failure = control.failure.withLock({ $0 }) { throw failure }
        let operations = control.counts.withLock { $0.reduce(0, +) }
        guard operations > 0 else { throw PoolSQLError.internal("no operation finished in \(seconds) s") }
        return ThroughputSample(operations: operations, wallSeconds: (after.wall - before.wall).seconds,
                                cpuMicroseconds: after.cpuMicroseconds - before.cpuMicroseconds,
                                systemMicroseconds: after.systemMicroseconds - before.systemMicroseconds)
    }
}
