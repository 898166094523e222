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
    ///
    /// Written byte by byte (the numbers in decimal, the doubles in Swift's shortest
    /// round-trip form, as `description` gives them): history scans encode one per row.
    public var encoded: String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(64 + buckets.count * 8)
        bytes.append(contentsOf: "v1;".utf8)
        Self.appendDecimal(count, to: &bytes)
        bytes.append(UInt8(ascii: ";"))
        bytes.append(contentsOf: sum.description.utf8)
        bytes.append(UInt8(ascii: ";"))
        bytes.append(contentsOf: (count > 0 ? minimum : 0).description.utf8)
        bytes.append(UInt8(ascii: ";"))
        bytes.append(contentsOf: maximum.description.utf8)
        bytes.append(UInt8(ascii: ";"))
        Self.appendDecimal(zeroCount, to: &bytes)
        bytes.append(UInt8(ascii: ";"))
        // Sorting the pairs, not the keys, saves a dictionary lookup per bucket.
        for (position, bucket) in buckets.sorted(by: { $0.key < $1.key }).enumerated() {
            if position > 0 { bytes.append(UInt8(ascii: ",")) }
            if bucket.key < 0 { bytes.append(UInt8(ascii: "-")) }
            Self.appendDecimal(UInt64(bucket.key.magnitude), to: &bytes)
            bytes.append(UInt8(ascii: ":"))
            Self.appendDecimal(bucket.value, to: &bytes)
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func appendDecimal(_ value: UInt64, to bytes: inout [UInt8]) {
        if value < 10 {
            bytes.append(UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: value))
            return
        }
        var digits: (UInt64, UInt64) = (0, 0)  // 20 digits at most: room on the stack, no array
        let count = withUnsafeMutableBytes(of: &digits) { buffer -> Int in
            var rest = value
            var n = 0
            while rest > 0 {
                buffer[n] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: rest % 10)
                rest /= 10
                n += 1
            }
            return n
        }
        withUnsafeBytes(of: &digits) { buffer in
            for i in stride(from: count - 1, through: 0, by: -1) { bytes.append(buffer[i]) }
        }
    }

    /// Parses `encoded`; a malformed text is error 22P02.
    ///
    /// A byte-level parser over the UTF-8 of `text` (no splitting into substrings): hourly
    /// rollups are parsed once per row by `sketch_percentile`. Bucket items are `index:count`
    /// (index an Int32 with an optional sign, count a UInt64 with an optional `+`); empty items
    /// between commas are skipped; repeated indices add up; the counts must add up to `count`.
    public init(encoded text: String) throws(PoolSQLError) {
        var copy = text
        let parsed = copy.withUTF8 { bytes -> LatencySketch? in
            var parser = LatencySketchTextParser(bytes: bytes)
            return parser.sketch()
        }
        guard let parsed else {
            throw PoolSQLError(.invalidTextRepresentation, "invalid latency sketch: \"\(text.prefix(40))\"")
        }
        self = parsed
    }
}

/// The parser behind `LatencySketch(encoded:)`: a cursor over the text's UTF-8 bytes.
private struct LatencySketchTextParser {
    let bytes: UnsafeBufferPointer<UInt8>
    var offset = 0

    init(bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    /// The sketch, or nil when the text is not a well-formed `v1` sketch.
    mutating func sketch() -> LatencySketch? {
        guard take(UInt8(ascii: "v")), take(UInt8(ascii: "1")), take(UInt8(ascii: ";")),
              let count = unsigned(), take(UInt8(ascii: ";")),
              let sum = double(), let minimum = double(), let maximum = double(),
              let zero = unsigned(), take(UInt8(ascii: ";")) else { return nil }
        var buckets: [Int32: UInt64] = [:]
        // One item per comma (at most): reserving avoids rehashing while the dictionary grows.
        var commas = 0
        for i in offset..<bytes.count where bytes[i] == UInt8(ascii: ",") { commas += 1 }
        if offset < bytes.count { buckets.reserveCapacity(commas + 1) }
        var total = zero
        while offset < bytes.count {
            if take(UInt8(ascii: ",")) { continue }
            guard let index = signed32(), take(UInt8(ascii: ":")), let n = unsigned() else { return nil }
            let (sum, overflow) = total.addingReportingOverflow(n)
            guard !overflow else { return nil }
            total = sum
            buckets[index, default: 0] += n
            // An item ends at a comma or the end of the text.
            guard offset == bytes.count || bytes[offset] == UInt8(ascii: ",") else { return nil }
        }
        guard total == count else { return nil }
        var sketch = LatencySketch()
        sketch.restore(buckets: buckets, zeroCount: zero, count: count, sum: sum, minimum: minimum, maximum: maximum)
        return sketch
    }

    private mutating func take(_ byte: UInt8) -> Bool {
        guard offset < bytes.count, bytes[offset] == byte else { return false }
        offset += 1
        return true
    }

    /// Decimal digits with an optional `+`; nil without digits or on overflow.
    private mutating func unsigned() -> UInt64? {
        _ = take(UInt8(ascii: "+"))
        return digits()
    }

    /// Decimal digits with an optional sign, in Int32's range.
    private mutating func signed32() -> Int32? {
        let negative = take(UInt8(ascii: "-"))
        if !negative { _ = take(UInt8(ascii: "+")) }
        guard let magnitude = digits() else { return nil }
        if negative { return magnitude <= 1 << 31 ? Int32(truncatingIfNeeded: -Int64(magnitude)) : nil }
        return Int32(exactly: magnitude)
    }

    /// One or more decimal digits; nil without digits or on overflow.
    private mutating func digits() -> UInt64? {
        let start = offset
        var value: UInt64 = 0
        while offset < bytes.count {
            let digit = bytes[offset] &- UInt8(ascii: "0")
            guard digit < 10 else { break }
            let (times10, o1) = value.multipliedReportingOverflow(by: 10)
            let (next, o2) = times10.addingReportingOverflow(UInt64(digit))
            guard !o1, !o2 else { return nil }
            value = next
            offset += 1
        }
        return offset > start ? value : nil
    }

    /// The field up to the next `;` (consumed) as a Double, as `Double(String)` reads it.
    private mutating func double() -> Double? {
        let start = offset
        while offset < bytes.count, bytes[offset] != UInt8(ascii: ";") { offset += 1 }
        guard offset < bytes.count, offset > start else { return nil }
        let field = UnsafeBufferPointer(rebasing: bytes[start..<offset])
        offset += 1
        return Double(String(decoding: field, as: UTF8.self))
    }
}

extension LatencySketch {
    /// Sets every part at once (the text parser has checked them).
    fileprivate mutating func restore(buckets: [Int32: UInt64], zeroCount: UInt64, count: UInt64, sum: Double,
                                      minimum: Double, maximum: Double) {
        self.buckets = buckets
        self.zeroCount = zeroCount
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
