import PoolSQLCore
import PoolSQLStore
import Synchronization

/// The samples taken but not yet written to the metrics store, oldest first.
///
/// The sampler only ever appends here (a short lock, never the store), so a slow or failing store
/// cannot hold up sampling, let alone the pools. The queue is bounded: when it is full the oldest
/// samples are dropped to make room, and every dropped sample is counted (`droppedSamples`, shown
/// in `connection_pool_metrics_status`) — samples are never lost silently.
final class MetricsSampleQueue: Sendable {
    static let defaultCapacity = 10_000

    private struct State {
        /// An array with a moving head: samples are few per tick, compaction is rare.
        var samples: [MetricsSample] = []
        var head = 0
        /// Sequence number of `samples[head]`; each sample enqueued gets the next one.
        var headSequence = 0
        var dropped = 0
        var enqueued = 0
        var written = 0

        var count: Int { samples.count - head }

        mutating func advance(by n: Int) {
            head += n
            headSequence += n
            if head > 0, head * 2 >= samples.count {
                samples.removeFirst(head)
                head = 0
            }
        }
    }

    let capacity: Int
    private let state = AnnotatedMutex(State())

    init(capacity: Int = MetricsSampleQueue.defaultCapacity) {
        self.capacity = max(1, capacity)
    }

    /// Appends `samples`, dropping (and counting) the oldest ones beyond the capacity. Returns
    /// how many this call dropped.
    @discardableResult
    func enqueue(_ samples: [MetricsSample]) -> Int {
        guard !samples.isEmpty else { return 0 }
        return state.withLock { s in
            s.samples.append(contentsOf: samples)
            s.enqueued += samples.count
            let excess = max(0, s.count - capacity)
            s.dropped += excess
            s.advance(by: excess)
            return excess
        }
    }

    /// The oldest samples, at most `limit`, with the sequence number of the last one. They stay
    /// queued until `remove(through:)` confirms they were written, so a failed write keeps them
    /// for the next attempt.
    func peek(limit: Int) -> (samples: [MetricsSample], lastSequence: Int) {
        state.withLock { s in
            let n = min(max(0, limit), s.count)
            return (Array(s.samples[s.head..<(s.head + n)]), s.headSequence + n - 1)
        }
    }

    /// Removes the samples up to sequence number `last` once they were written. Samples the
    /// queue dropped meanwhile (it overflowed during the write) are not removed twice.
    func remove(through last: Int) {
        state.withLock { s in
            let n = min(s.count, max(0, last - s.headSequence + 1))
            s.written += n
            s.advance(by: n)
        }
    }

    var count: Int { state.withLock { $0.count } }
    var droppedSamples: Int { state.withLock { $0.dropped } }
    var writtenSamples: Int { state.withLock { $0.written } }
    var enqueuedSamples: Int { state.withLock { $0.enqueued } }
}
