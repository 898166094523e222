import Foundation
import PoolSQLCore
import PoolSQLPool
import Synchronization

/// Runs one load test: `concurrency` dedicated OS threads (never Swift's cooperative pool, since
/// every operation blocks in libmongoc) take operation numbers from a shared counter and run
/// them through the pool, while the calling thread samples the pool and reports progress.
///
/// Pacing is open-loop when a target rate is given: operation k is due at start + k / rate, a
/// worker waits for that moment, and the response time is measured from it. When the pool
/// cannot keep up, later operations start late and their wait counts in their response time
/// (no coordinated omission); operations still overdue when the time is up are not run.
final class LoadTestRunner: Sendable {
    /// What a finished run measured.
    struct Outcome: Sendable {
        var tally: LoadTestTally
        var elapsedSeconds: Double
        var peakConnectionsUsed: Int
        var avgConnectionsUsed: Double
        var maxPoolSize: Int
        /// `stop()` was called (Ctrl-C): the result covers the part that ran.
        var stoppedByRequest: Bool
        /// Why the run ended early without being asked (the pool was closed or dropped).
        var abortReason: PoolSQLError?
    }

    let pool: MongoPool
    let options: LoadTestOptions
    let workload: LoadTestWorkload
    let scenarioName: String?
    let progressHandler: (@Sendable (LoadTestProgress) -> Void)?

    /// How often the pool's connections in use are read, and progress reported.
    static let samplingInterval: Duration = .milliseconds(50)
    static let progressInterval: Duration = .milliseconds(250)
    /// The longest a waiting worker sleeps before looking at the stop flag again.
    static let maximumNap: Duration = .milliseconds(50)

    private let stopRequested = Atomic<Bool>(false)
    private let abortReason = Mutex<PoolSQLError?>(nil)
    private let nextSequence = Atomic<Int>(0)
    private let connectionsInUse = Atomic<Int>(0)
    private let peakConnectionsInUse = Atomic<Int>(0)
    private let tallies: [TallySlot]

    init(pool: MongoPool, options: LoadTestOptions, workload: LoadTestWorkload, scenarioName: String?,
         progressHandler: (@Sendable (LoadTestProgress) -> Void)?) {
        self.pool = pool
        self.options = options
        self.workload = workload
        self.scenarioName = scenarioName
        self.progressHandler = progressHandler
        tallies = (0..<options.concurrency).map { _ in TallySlot() }
    }

    /// Asks the run to stop: workers finish the operation they are in and no new one starts.
    /// Safe from any thread.
    func stop() {
        stopRequested.store(true, ordering: .sequentiallyConsistent)
    }

    var isStopRequested: Bool { stopRequested.load(ordering: .relaxed) }

    /// Runs the test on the calling thread (which samples and reports) and its workers; returns
    /// when every worker has finished.
    func run() -> Outcome {
        let maxPoolSize = pool.options.maxPoolSize
        let finished = DispatchSemaphore(value: 0)
        let finishedWorkers = Atomic<Int>(0)
        let start = ContinuousClock.now
        let deadline = options.effectiveDurationMilliseconds.map { start + .milliseconds($0) }
        let interval = options.targetOperationsPerSecond.map { Duration.seconds(1 / $0) }

        for index in 0..<options.concurrency {
            let thread = Thread { [self] in
                work(worker: index, start: start, deadline: deadline, interval: interval)
                finishedWorkers.add(1, ordering: .sequentiallyConsistent)
                finished.signal()
            }
            thread.name = "poolsql-load-\(index)"
            thread.start()
        }

        var sampledPeak = 0
        var lastProgress = start
        while finishedWorkers.load(ordering: .sequentiallyConsistent) < options.concurrency {
            Thread.sleep(forTimeInterval: Self.samplingInterval.inSeconds)
            let active = pool.statistics().activeConnections
            sampledPeak = max(sampledPeak, active)
            let now = ContinuousClock.now
            if let progressHandler, now - lastProgress >= Self.progressInterval {
                lastProgress = now
                progressHandler(progress(elapsed: (now - start).inSeconds, connectionsInUse: active))
            }
        }
        for _ in 0..<options.concurrency { finished.wait() }
        let elapsed = max((ContinuousClock.now - start).inSeconds, 1e-6)
        let tally = mergedTally()
        if let progressHandler {
            var last = progress(elapsed: elapsed, connectionsInUse: pool.statistics().activeConnections, tally: tally)
            last.isFinished = true
            progressHandler(last)
        }
        let ownPeak = peakConnectionsInUse.load(ordering: .sequentiallyConsistent)
        return Outcome(tally: tally, elapsedSeconds: elapsed,
                       peakConnectionsUsed: max(ownPeak, sampledPeak),
                       avgConnectionsUsed: tally.connectionHoldTotalMS / 1000 / elapsed,
                       maxPoolSize: maxPoolSize,
                       stoppedByRequest: isStopRequested && abortReason.withLock({ $0 }) == nil,
                       abortReason: abortReason.withLock { $0 })
    }

    /// One worker's loop.
    private func work(worker: Int, start: ContinuousClock.Instant, deadline: ContinuousClock.Instant?, interval: Duration?) {
        var random = SplitMix64(seed: UInt64(worker) &* 0x9E37_79B9 &+ UInt64(UInt32(truncatingIfNeeded: workload.runID.hashValue)))
        while !isStopRequested {
            let sequence = nextSequence.wrappingAdd(1, ordering: .relaxed).oldValue
            if let limit = options.operations, sequence >= limit { return }
            let due: ContinuousClock.Instant
            if let interval {
                due = start + interval * sequence
                if let deadline, due >= deadline { return }
                guard waitUntil(due) else { return }
            } else {
                due = ContinuousClock.now
            }
            // Overdue operations are not started once the time is up.
            if let deadline, ContinuousClock.now >= deadline { return }
            let command = options.operation.command(forRoll: Int(random.next() % 100))
            runOperation(command, worker: worker, sequence: sequence, due: due, random: random.next())
        }
    }

    /// Sleeps until `instant` in short naps; false when a stop was requested meanwhile.
    private func waitUntil(_ instant: ContinuousClock.Instant) -> Bool {
        while true {
            if isStopRequested { return false }
            let remaining = instant - ContinuousClock.now
            if remaining <= .zero { return true }
            Thread.sleep(forTimeInterval: min(remaining, Self.maximumNap).inSeconds)
        }
    }

    private func runOperation(_ command: LoadTestCommand, worker: Int, sequence: Int, due: ContinuousClock.Instant, random: UInt64) {
        let called = ContinuousClock.now
        var checkedOut: ContinuousClock.Instant?
        var returned: ContinuousClock.Instant?
        var failure: PoolSQLError?
        do {
            try pool.withConnection { connection in
                checkedOut = ContinuousClock.now
                let inUse = connectionsInUse.add(1, ordering: .relaxed).newValue
                peakConnectionsInUse.raise(toAtLeast: inUse)
                defer {
                    connectionsInUse.subtract(1, ordering: .relaxed)
                    returned = ContinuousClock.now
                }
                try workload.run(command, on: connection, sequence: sequence, worker: worker, random: random)
            }
        } catch let error as PoolSQLError {
            failure = error
        } catch {
            failure = PoolSQLError.wrapping(error)
        }
        let end = ContinuousClock.now
        tallies[worker].tally.withLock { tally in
            if let checkedOut {
                tally.checkouts += 1
                tally.checkoutWaitTotalMS += (checkedOut - called).inMilliseconds
                tally.connectionHoldTotalMS += ((returned ?? end) - checkedOut).inMilliseconds
            }
            if let failure {
                tally.recordFailure(failure)
            } else {
                tally.successes += 1
                tally.responseTimes.record((end - due).inMilliseconds)
            }
        }
        // A closed (dropped or disabled) pool fails every later operation the same way.
        if let failure, failure.code == .objectNotInPrerequisiteState, pool.isClosed {
            abortReason.withLock { $0 = $0 ?? failure }
            stop()
        }
    }

    private func mergedTally() -> LoadTestTally {
        var total = LoadTestTally()
        for slot in tallies { total.merge(slot.tally.withLock { $0 }) }
        return total
    }

    private func progress(elapsed: Double, connectionsInUse: Int, tally: LoadTestTally? = nil) -> LoadTestProgress {
        let tally = tally ?? mergedTally()
        return LoadTestProgress(
            poolName: pool.name, scenarioName: scenarioName, elapsedSeconds: elapsed,
            plannedSeconds: options.effectiveDurationMilliseconds.map { Double($0) / 1000 },
            plannedOperations: options.operations, completedOperations: tally.completed, errors: tally.errors,
            operationsPerSecond: elapsed > 0 ? Double(tally.completed) / elapsed : 0,
            p95ResponseTimeMS: tally.responseTimes.quantile(0.95) ?? 0, connectionsInUse: connectionsInUse)
    }
}

/// One worker's tally, locked only by that worker and by the progress reader.
private final class TallySlot: Sendable {
    let tally = Mutex(LoadTestTally())
}

extension Atomic where Value == Int {
    /// Raises the value to `candidate` if it is lower.
    func raise(toAtLeast candidate: Int) {
        var current = load(ordering: .relaxed)
        while candidate > current {
            let (exchanged, original) = compareExchange(expected: current, desired: candidate, ordering: .relaxed)
            if exchanged { return }
            current = original
        }
    }
}

extension Duration {
    var inSeconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }

    var inMilliseconds: Double { inSeconds * 1000 }
}

/// A small fast pseudo-random generator per worker (no shared state, no locking).
struct SplitMix64 {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
