import PoolSQLCore

/// The `LatencySketch` text encoder and parser as they were before the byte-level ones (main
/// at 50e03af: `split`, `map`, `joined`), kept here only to measure the new ones against them
/// in the same run.
enum ReferenceSketchText {
    static func encode(_ sketch: LatencySketch) -> String {
        var text = "v1;\(sketch.count);\(sketch.sum);\(sketch.count > 0 ? sketch.minimum : 0);\(sketch.maximum);\(sketch.zeroCount);"
        text += sketch.buckets.keys.sorted().map { "\($0):\(sketch.buckets[$0] ?? 0)" }.joined(separator: ",")
        return text
    }

    static func parse(_ text: String) throws(PoolSQLError) -> LatencySketch {
        let parts = text.split(separator: ";", omittingEmptySubsequences: false)
        func bad() -> PoolSQLError {
            PoolSQLError(.invalidTextRepresentation, "invalid latency sketch: \"\(text.prefix(40))\"")
        }
        guard parts.count == 7, parts[0] == "v1",
              UInt64(parts[1]) != nil, let sum = Double(parts[2]), let minimum = Double(parts[3]),
              let maximum = Double(parts[4]), let zero = UInt64(parts[5]) else { throw bad() }
        var buckets: [Int32: UInt64] = [:]
        if !parts[6].isEmpty {
            for pair in parts[6].split(separator: ",") {
                let fields = pair.split(separator: ":")
                guard fields.count == 2, let index = Int32(fields[0]), let n = UInt64(fields[1]) else { throw bad() }
                buckets[index, default: 0] += n
            }
        }
        // The old parser set the fields directly; the public validating init does the same
        // work plus a sum of the counts.
        return try LatencySketch(buckets: buckets, zeroCount: zero, sum: sum, minimum: minimum, maximum: maximum)
    }
}
