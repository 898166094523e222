import Foundation
import PoolSQLCore

/// `LatencySketch` text form: encoding and parsing one sketch, the byte-level code against
/// the split-based reference, for a 10 s interval's sketch and an hourly rollup's (360 merged).
func runSketchSection(_ report: inout Report) throws {
    print("— sketch text form (load average \(loadAverage()))")
    let intervals = GeneratedHistory.sketches
    var hourly: [LatencySketch] = []
    for hour in 0..<8 {
        var merged = LatencySketch()
        for i in 0..<360 { merged.merge(intervals[(hour * 360 + i) % intervals.count]) }
        hourly.append(merged)
    }
    for (label, sketches) in [("10 s interval", Array(intervals.prefix(64))), ("hourly rollup (360 intervals)", hourly)] {
        let texts = sketches.map(\.encoded)
        for (text, sketch) in zip(texts, sketches) {
            guard text == ReferenceSketchText.encode(sketch), try LatencySketch(encoded: text) == sketch,
                  try ReferenceSketchText.parse(text) == sketch else {
                throw PoolSQLError(.internalError, "the text encoders or parsers disagree on \(text.prefix(60))")
            }
        }
        let buckets = Double(sketches.map(\.buckets.count).reduce(0, +)) / Double(sketches.count)
        let rounds = max(1, 40_000 / sketches.count)
        let n = Double(rounds * sketches.count)
        func perCall(_ body: (Int) throws -> Void) rethrows -> Double {
            for i in sketches.indices { try body(i) }  // warm-up
            let t = try measure { for _ in 0..<rounds { for i in sketches.indices { try body(i) } } }
            return t.cpu / n * 1e6
        }
        var sink = 0
        let parse = try perCall { sink &+= Int(try LatencySketch(encoded: texts[$0]).count) }
        let referenceParse = try perCall { sink &+= Int(try ReferenceSketchText.parse(texts[$0]).count) }
        let encode = perCall { sink &+= sketches[$0].encoded.utf8.count }
        let referenceEncode = perCall { sink &+= ReferenceSketchText.encode(sketches[$0]).utf8.count }
        report.sketch.append(.init(buckets: Int(buckets.rounded()), parseMicroseconds: parse, referenceParseMicroseconds: referenceParse,
                                   encodeMicroseconds: encode, referenceEncodeMicroseconds: referenceEncode))
        print(label + String(format: " (%.0f buckets, %d B of text): parse %.2f µs (split-based before: %.2f µs, %.1f× faster), encode %.2f µs (before: %.2f µs, %.1f× faster)  [cpu per call; check %d]",
                     buckets, texts[0].utf8.count, parse, referenceParse, referenceParse / parse,
                     encode, referenceEncode, referenceEncode / encode, sink & 1))
    }
}
