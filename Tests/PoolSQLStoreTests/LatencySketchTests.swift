import Testing
import Foundation
import PoolSQLCore

@Suite("LatencySketch")
struct LatencySketchTests {
    /// Exact percentile_disc: the smallest value whose cumulative share is ≥ q.
    static func exact(_ sorted: [Double], _ q: Double) -> Double {
        let rank = max(1, Int((q * Double(sorted.count)).rounded(.up)))
        return sorted[rank - 1]
    }

    @Test("quantiles of merged sketches stay within the stated relative accuracy")
    func mergedQuantilesWithinAccuracy() throws {
        var generator = SystemRandomNumberGenerator()
        var all: [Double] = []
        var merged = LatencySketch()
        // 360 "intervals" of log-normal-ish latencies, merged as an hourly rollup would.
        for _ in 0..<360 {
            var interval = LatencySketch()
            for _ in 0..<200 {
                let value = exp(Double.random(in: -3...8, using: &generator))
                interval.record(value)
                all.append(value)
            }
            let decoded = try LatencySketch(encoded: interval.encoded)
            #expect(decoded == interval)
            merged.merge(decoded)
        }
        all.sort()
        #expect(merged.count == UInt64(all.count))
        for q in [0.01, 0.25, 0.5, 0.9, 0.95, 0.99, 0.999, 1.0] {
            let truth = Self.exact(all, q)
            let estimate = try #require(merged.quantile(q))
            #expect(abs(estimate - truth) <= LatencySketch.relativeAccuracy * truth, "q=\(q): \(estimate) vs \(truth)")
        }
    }

    @Test("the text form round-trips negative, zero and large indices, zero counts and extreme doubles")
    func textRoundTrip() throws {
        var sketch = LatencySketch()
        for value in [0.0, 0.0005, 0.001, 0.0123, 0.999, 1, 1.5, 42.25, 3_600_000, 1e9] { sketch.record(value, times: 3) }
        sketch.record(7, times: UInt64(1) << 40)
        let text = sketch.encoded
        #expect(text.hasPrefix("v1;\(sketch.count);\(sketch.sum);\(sketch.minimum);\(sketch.maximum);\(sketch.zeroCount);"))
        #expect(text.contains(",-"))
        #expect(try LatencySketch(encoded: text) == sketch)
        #expect(LatencySketch().encoded == "v1;0;0.0;0.0;0.0;0;")
        #expect(try LatencySketch(encoded: LatencySketch().encoded) == LatencySketch())
    }

    @Test("the parser reads what the split-based one read: signs, repeated indices, empty items")
    func lenientText() throws {
        let parsed = try LatencySketch(encoded: "v1;+6;12.5;1;9;+1;-3:2,,+4:1,4:+2,")
        #expect(parsed.count == 6)
        #expect(parsed.zeroCount == 1)
        #expect(parsed.buckets == [-3: 2, 4: 3])
        #expect(parsed.sum == 12.5)
        #expect(parsed.minimum == 1)
        #expect(parsed.maximum == 9)
        #expect(try LatencySketch(encoded: "v1;2;1e-3;0.0005;0.0005;2;").zeroCount == 2)
        #expect(try LatencySketch(encoded: "v1;1;1;1;1;0;-2147483648:1").buckets == [Int32.min: 1])
    }

    @Test("malformed encodings are 22P02, empty sketches answer nil")
    func malformed() {
        #expect(LatencySketch().quantile(0.5) == nil)
        #expect(throws: PoolSQLError.self) { try LatencySketch(encoded: "v1;3;1;1;1;0;5:2") }
        #expect(throws: PoolSQLError.self) { try LatencySketch(encoded: "nonsense") }
        let malformed = [
            "", "v1", "v2;0;0;0;0;0;", "v1;0;0;0;0;0", "v1;1;1;1;1;0;5", "v1;1;1;1;1;0;5:", "v1;1;1;1;1;0;:1",
            "v1;1;1;1;1;0;5:1;", "v1;1;1;1;1;0;5:1x", "v1;1;1;1;1;0;5 :1", "v1;1;x;1;1;0;5:1", "v1;1;;1;1;0;5:1",
            "v1;-1;1;1;1;0;", "v1;1;1;1;1;0;2147483648:1", "v1;1;1;1;1;0;-2147483649:1", "v1;1;1;1;1;0;--5:1",
            "v1;1;1;1;1;0;5:++1", "v1;99999999999999999999;1;1;1;0;", "v1;1;1;1;1;0;1::1",
            // Counts that overflow when added up: an error, not a crash.
            "v1;1;1;1;1;18446744073709551615;1:1", "v1;0;1;1;1;0;1:18446744073709551615,2:1",
        ]
        for text in malformed {
            #expect(throws: PoolSQLError.self, "\(text)") { try LatencySketch(encoded: text) }
        }
        #expect((try? LatencySketch(encoded: "v1;1;1;1;1;0;5:+1")) != nil)
    }
}
