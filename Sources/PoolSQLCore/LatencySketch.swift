import Foundation

/// A mergeable quantile sketch of latencies (DDSketch-style logarithmic buckets).
///
/// Why this and not the pool's HDR histogram: history rollups must merge the distributions of
/// many intervals (an hour of 10 s samples, a day of hours) and still answer "p95 of that
/// bucket". Merging two sketches adds their bucket counts, so a quantile over any set of merged
/// sketches has the same guarantee as one over the raw values:
///
/// For every quantile q, the value returned lies within `relativeAccuracy` (1 %) of the exact
/// value of rank q among the recorded values (PostgreSQL's `percentile_disc` on the same values),
/// for values in [0.001 ms, 1 h]; smaller values count as 0.001 ms and larger as 1 h.
///
/// Values are milliseconds. The serialized form (`encoded`) is compact text, so it can be stored
/// in a text column of the embedded store or a MongoDB document and merged later.
public struct LatencySketch: Sendable, Hashable {
    /// Relative accuracy α: every answer is within α of the true value of its rank.
    public static let relativeAccuracy = 0.01
    /// γ = (1 + α) / (1 − α); bucket i holds values in (γ^(i−1), γ^i].
    static let gamma = (1 + relativeAccuracy) / (1 - relativeAccuracy)
    static let logGamma = log(gamma)
    static let minimumValue = 0.001
    static let maximumValue = 3_600_000.0

    /// Bucket index → count. Sparse: a typical interval touches a few dozen buckets.
    public private(set) var buckets: [Int32: UInt64] = [:]
    /// Values recorded as exactly zero (or below `minimumValue`).
    public private(set) var zeroCount: UInt64 = 0
    public private(set) var count: UInt64 = 0
    public private(set) var sum: Double = 0
    public private(set) var minimum: Double = .infinity
    public private(set) var maximum: Double = 0

    public init() {}

    public var isEmpty: Bool { count == 0 }

    /// Records one latency in milliseconds. Negative and non-finite values are ignored.
    public mutating func record(_ milliseconds: Double, times: UInt64 = 1) {
        guard milliseconds.isFinite, milliseconds >= 0, times > 0 else { return }
        let value = min(milliseconds, Self.maximumValue)
        count += times
        sum += value * Double(times)
        minimum = min(minimum, value)
        maximum = max(maximum, value)
        if value < Self.minimumValue {
            zeroCount += times
        } else {
            buckets[Self.index(of: value), default: 0] += times
        }
    }

    /// Adds every value of `other` to this sketch.
    public mutating func merge(_ other: LatencySketch) {
        guard !other.isEmpty else { return }
        for (index, n) in other.buckets { buckets[index, default: 0] += n }
        zeroCount += other.zeroCount
        count += other.count
        sum += other.sum
        minimum = min(minimum, other.minimum)
        maximum = max(maximum, other.maximum)
    }

    /// The value at quantile `q` (0…1) with the lower-rank convention of `percentile_disc`:
    /// the smallest recorded value whose cumulative share is ≥ q. `nil` when empty.
    public func quantile(_ q: Double) -> Double? {
        guard count > 0, q.isFinite else { return nil }
        let fraction = min(max(q, 0), 1)
        // Rank (1-based) of the value percentile_disc picks.
        let rank = max(1, UInt64((fraction * Double(count)).rounded(.up)))
        if rank <= zeroCount { return min(minimum, Self.minimumValue) }
        var seen = zeroCount
        for index in buckets.keys.sorted() {
            seen += buckets[index] ?? 0
            if seen >= rank {
                let estimate = Self.representative(of: index)
                return min(max(estimate, minimum), maximum)
            }
        }
        return maximum
    }

    public var mean: Double? { count > 0 ? sum / Double(count) : nil }

    static func index(of value: Double) -> Int32 {
        Int32((log(value) / logGamma).rounded(.up))
    }

    /// The point of bucket `index` that is within α of every value in it: 2γ^i / (γ + 1).
    static func representative(of index: Int32) -> Double {
        2 * pow(gamma, Double(index)) / (gamma + 1)
    }
}

extension LatencySketch {
    /// Compact text form: `v1;count;sum;min;max;zero;index:count,index:count,…`.
    public var encoded: String {
        var text = "v1;\(count);\(sum);\(count > 0 ? minimum : 0);\(maximum);\(zeroCount);"
        text += buckets.keys.sorted().map { "\($0):\(buckets[$0] ?? 0)" }.joined(separator: ",")
        return text
    }

    /// Parses `encoded`; a malformed text is error 22P02.
    public init(encoded text: String) throws(PoolSQLError) {
        let parts = text.split(separator: ";", omittingEmptySubsequences: false)
        func bad() -> PoolSQLError {
            PoolSQLError(.invalidTextRepresentation, "invalid latency sketch: \"\(text.prefix(40))\"")
        }
        guard parts.count == 7, parts[0] == "v1",
              let count = UInt64(parts[1]), let sum = Double(parts[2]), let minimum = Double(parts[3]),
              let maximum = Double(parts[4]), let zero = UInt64(parts[5]) else { throw bad() }
        var buckets: [Int32: UInt64] = [:]
        var total = zero
        if !parts[6].isEmpty {
            for pair in parts[6].split(separator: ",") {
                let fields = pair.split(separator: ":")
                guard fields.count == 2, let index = Int32(fields[0]), let n = UInt64(fields[1]) else { throw bad() }
                buckets[index, default: 0] += n
                total += n
            }
        }
        guard total == count else { throw bad() }
        self.init()
        self.buckets = buckets
        self.zeroCount = zero
        self.count = count
        self.sum = sum
        self.minimum = count > 0 ? minimum : .infinity
        self.maximum = maximum
    }
}

extension LatencySketch {
    /// Rebuilds a sketch from its parts, for stores with their own compact encoding (the
    /// embedded store keeps a binary form: the text `encoded` form made the history 2.5× larger
    /// and 10× slower to read). The count is `zeroCount` plus the bucket counts; a negative,
    /// non-finite or overflowing part is 22P02.
    public init(buckets: [Int32: UInt64], zeroCount: UInt64, sum: Double, minimum: Double, maximum: Double) throws(PoolSQLError) {
        var count = zeroCount
        for n in buckets.values {
            let (total, overflow) = count.addingReportingOverflow(n)
            guard !overflow, n > 0 else { throw PoolSQLError(.invalidTextRepresentation, "invalid latency sketch: bad bucket count") }
            count = total
        }
        guard sum.isFinite, sum >= 0, maximum.isFinite, maximum >= 0, count == 0 || (minimum.isFinite && minimum >= 0) else {
            throw PoolSQLError(.invalidTextRepresentation, "invalid latency sketch: bad sum, minimum or maximum")
        }
        self.init()
        self.buckets = buckets
        self.zeroCount = zeroCount
        self.count = count
        self.sum = sum
        self.minimum = count > 0 ? minimum : .infinity
        self.maximum = maximum
    }
}
