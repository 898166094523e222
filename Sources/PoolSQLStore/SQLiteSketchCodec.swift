import PoolSQLCore

/// The embedded store's compact binary form of a `LatencySketch` (the `latency_sketch` BLOB
/// columns). Measured against the text `encoded` form on a 10 s interval of ~200 operations
/// (~100 buckets): ~250 instead of ~700 bytes, and decoding ~10× faster, which is what keeps a
/// year of 20 pools under 1 GiB and a million-row read fast (docs/store-benchmark.md).
///
/// Layout: format byte (1); zero count (varint); sum, minimum, maximum (IEEE 754 bit patterns,
/// 8 bytes little-endian each); bucket count (varint); then per bucket in index order: the
/// first index zigzag-encoded, later ones as the gap to the previous index (varint), and the
/// bucket's count (varint). Neighbouring buckets make most gaps and counts one byte.
enum SQLiteSketchCodec {
    static let format: UInt8 = 1

    static func encode(_ sketch: LatencySketch) -> [UInt8] {
        let indices = sketch.buckets.keys.sorted()
        var out: [UInt8] = []
        out.reserveCapacity(32 + indices.count * 3)
        out.append(format)
        appendVarint(sketch.zeroCount, to: &out)
        for value in [sketch.sum, sketch.isEmpty ? 0 : sketch.minimum, sketch.maximum] {
            var bits = value.bitPattern
            for _ in 0..<8 {
                out.append(UInt8(truncatingIfNeeded: bits))
                bits >>= 8
            }
        }
        appendVarint(UInt64(indices.count), to: &out)
        var previous: Int32 = 0
        for (position, index) in indices.enumerated() {
            if position == 0 {
                let wide = Int64(index)
                appendVarint(UInt64(bitPattern: (wide << 1) ^ (wide >> 63)), to: &out)
            } else {
                appendVarint(UInt64(Int64(index) - Int64(previous)), to: &out)
            }
            previous = index
            appendVarint(sketch.buckets[index] ?? 0, to: &out)
        }
        return out
    }

    static func decode(_ bytes: UnsafeRawBufferPointer) throws(PoolSQLError) -> LatencySketch {
        var reader = Reader(bytes: bytes)
        guard try reader.byte() == format else { throw Reader.malformed }
        let zero = try reader.varint()
        let sum = Double(bitPattern: try reader.fixed64())
        let minimum = Double(bitPattern: try reader.fixed64())
        let maximum = Double(bitPattern: try reader.fixed64())
        let bucketCount = try reader.varint()
        // Every bucket takes at least two bytes, so a damaged count cannot make us allocate much.
        guard bucketCount <= UInt64(bytes.count) else { throw Reader.malformed }
        var buckets: [Int32: UInt64] = [:]
        buckets.reserveCapacity(Int(bucketCount))
        var index: Int64 = 0
        for position in 0..<bucketCount {
            let raw = try reader.varint()
            if position == 0 {
                index = Int64(bitPattern: raw >> 1) ^ -Int64(bitPattern: raw & 1)
            } else {
                guard raw > 0, raw <= UInt64(Int32.max) else { throw Reader.malformed }
                index += Int64(raw)
            }
            guard let narrow = Int32(exactly: index) else { throw Reader.malformed }
            buckets[narrow] = try reader.varint()
        }
        guard reader.atEnd else { throw Reader.malformed }
        return try LatencySketch(buckets: buckets, zeroCount: zero, sum: sum, minimum: minimum, maximum: maximum)
    }

    private static func appendVarint(_ value: UInt64, to out: inout [UInt8]) {
        var v = value
        while v >= 0x80 {
            out.append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        out.append(UInt8(v))
    }

    private struct Reader {
        static let malformed = PoolSQLError(.dataCorrupted, "damaged latency sketch in the metrics store")
        let bytes: UnsafeRawBufferPointer
        var offset = 0

        var atEnd: Bool { offset == bytes.count }

        mutating func byte() throws(PoolSQLError) -> UInt8 {
            guard offset < bytes.count else { throw Self.malformed }
            defer { offset += 1 }
            return bytes[offset]
        }

        mutating func varint() throws(PoolSQLError) -> UInt64 {
            var result: UInt64 = 0
            var shift: UInt64 = 0
            while true {
                let b = try byte()
                guard shift < 64 else { throw Self.malformed }
                result |= UInt64(b & 0x7f) << shift
                if b < 0x80 { return result }
                shift += 7
            }
        }

        mutating func fixed64() throws(PoolSQLError) -> UInt64 {
            guard offset + 8 <= bytes.count else { throw Self.malformed }
            var value: UInt64 = 0
            for i in 0..<8 { value |= UInt64(bytes[offset + i]) << (8 * UInt64(i)) }
            offset += 8
            return value
        }
    }
}
