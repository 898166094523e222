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

    @Test("malformed encodings are 22P02, empty sketches answer nil")
    func malformed() {
        #expect(LatencySketch().quantile(0.5) == nil)
        #expect(throws: PoolSQLError.self) { try LatencySketch(encoded: "v1;3;1;1;1;0;5:2") }
        #expect(throws: PoolSQLError.self) { try LatencySketch(encoded: "nonsense") }
    }
}
