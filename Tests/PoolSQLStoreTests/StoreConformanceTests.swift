import Foundation
import PoolSQLCore
import Synchronization
import Testing
@testable import PoolSQLStore

/// The same checks for every store: MemoryStore is the reference, SQLiteStore must agree.
@Suite("Store conformance")
struct StoreConformanceTests {
    @Test("append and samples with every filter kind", arguments: StoreKind.allCases)
    func filters(kind: StoreKind) throws {
        try withStore(kind) { store in
            let rows = Fixtures.grid()
            // In three calls, out of order, so the store has to sort.
            try store.append(Array(rows[72...]))
            try store.append(Array(rows[..<36]))
            try store.append(Array(rows[36..<72]))
            #expect(try store.samples(.all) == Fixtures.expected(rows, .all))
            #expect(try store.samples(.all).count == 108)
            let t = Fixtures.day0
            let queries: [MetricsQuery] = [
                MetricsQuery(from: Fixtures.at(t + Fixtures.hour)),
                MetricsQuery(from: Fixtures.at(t + Fixtures.hour), fromInclusive: false),
                MetricsQuery(to: Fixtures.at(t + Fixtures.hour)),
                MetricsQuery(to: Fixtures.at(t + Fixtures.hour), toInclusive: true),
                MetricsQuery(from: Fixtures.at(t + 1_200_000_000), to: Fixtures.at(t + 2 * Fixtures.hour)),
                MetricsQuery(poolNames: ["orders", "search"]),
                MetricsQuery(poolNames: []),
                MetricsQuery(environments: ["staging"]),
                MetricsQuery(instanceIDs: ["host-b:2"]),
                MetricsQuery(from: Fixtures.at(t), to: Fixtures.at(t + Fixtures.hour), poolNames: ["billing"],
                             environments: ["prod"], instanceIDs: ["host-a:1"]),
                MetricsQuery(limit: 5),
                MetricsQuery(poolNames: ["search"], limit: 0),
            ]
            for query in queries {
                let got = try store.samples(query)
                #expect(got == Fixtures.expected(rows, query), "\(query)")
            }
            // Hand-counted, so the reference itself is checked too.
            #expect(try store.samples(MetricsQuery(to: Fixtures.at(t + Fixtures.hour), toInclusive: true)).count == 7 * 6)
            #expect(try store.samples(MetricsQuery(environments: ["staging"])).allSatisfy { $0.poolName == "search" })
            #expect(try store.samples(MetricsQuery(environments: ["staging"])).count == 36)
        }
    }

    @Test("every field round-trips, NaN and a missing environment included", arguments: StoreKind.allCases)
    func fieldsRoundTrip(kind: StoreKind) throws {
        try withStore(kind) { store in
            var odd = Fixtures.sample(Fixtures.day0, pool: "p", environment: nil, seed: 5, latencies: [0.0001, 2, 3_600_001])
            odd.connectionUtilization = .nan
            odd.avgOperationTime = .infinity
            try store.append([odd, Fixtures.sample(Fixtures.day0 + 1, pool: "p", seed: 6, latencies: [1, 2, 3])])
            let back = try store.samples(.all)
            #expect(back.count == 2)
            #expect(back[0].connectionUtilization.isNaN)
            var comparable = back[0]
            comparable.connectionUtilization = 0
            odd.connectionUtilization = 0
            #expect(comparable == odd)
            #expect(back[0].environment == nil)
            #expect(back[1].latencySketch.count == 3)
            // A NULL environment matches no environment filter.
            #expect(try store.samples(MetricsQuery(environments: [""])).isEmpty)
        }
    }

    @Test("a query without latency sketches returns the same rows with empty sketches", arguments: StoreKind.allCases)
    func withoutLatencySketch(kind: StoreKind) throws {
        try withStore(kind) { store in
            let rows = Fixtures.grid()
            try store.append(rows)
            #expect(rows.contains { !$0.latencySketch.isEmpty })
            for query in [MetricsQuery.all, MetricsQuery(poolNames: ["orders"], limit: 5), MetricsQuery(latestPerPoolAndInstance: true)] {
                var cheap = query
                cheap.includeLatencySketch = false
                let full = try store.samples(query)
                let light = try store.samples(cheap)
                #expect(light.count == full.count)
                #expect(light.allSatisfy { $0.latencySketch.isEmpty })
                #expect(full.contains { !$0.latencySketch.isEmpty })
                // Everything else is the same, row for row.
                #expect(light == full.map { sample -> MetricsSample in
                    var copy = sample
                    copy.latencySketch = LatencySketch()
                    return copy
                })
            }
        }
    }

    @Test("rows written out of order come back ordered by time, pool and instance", arguments: StoreKind.allCases)
    func outOfOrderWrites(kind: StoreKind) throws {
        try withStore(kind) { store in
            let t = Fixtures.day0
            func sample(_ offset: Int64, _ pool: String, _ instance: String) -> MetricsSample {
                MetricsSample(timestamp: Fixtures.at(t + offset), poolName: pool, instanceID: instance, operations: Int(offset))
            }
            // As a COPY FROM of an older export after the sampler's rows would write them.
            try store.append([sample(20, "b", "i1"), sample(20, "a", "i2"), sample(20, "a", "i1")])
            try store.append([sample(10, "z", "i1"), sample(0, "a", "i1")])
            let expected = [(0, "a", "i1"), (10, "z", "i1"), (20, "a", "i1"), (20, "a", "i2"), (20, "b", "i1")]
            for query in [MetricsQuery.all, MetricsQuery(environments: nil, includeLatencySketch: false)] {
                let back = try store.samples(query).map { (Int($0.timestamp.microseconds - t), $0.poolName, $0.instanceID) }
                #expect(back.elementsEqual(expected) { $0 == $1 }, "\(back)")
            }
        }
    }

    @Test("latestPerPoolAndInstance returns the newest sample of each pool and instance", arguments: StoreKind.allCases)
    func latest(kind: StoreKind) throws {
        try withStore(kind) { store in
            let rows = Fixtures.grid()
            try store.append(rows)
            let latest = try store.samples(MetricsQuery(latestPerPoolAndInstance: true))
            #expect(latest.count == 6)
            let newest = Fixtures.day0 + 17 * 600_000_000
            #expect(latest.allSatisfy { $0.timestamp.microseconds == newest })
            #expect(latest.map(\.poolName) == ["billing", "billing", "orders", "orders", "search", "search"])
            // Filters apply before picking the newest.
            let earlier = try store.samples(MetricsQuery(to: Fixtures.at(Fixtures.day0 + Fixtures.hour), poolNames: ["orders"],
                                                         latestPerPoolAndInstance: true))
            #expect(earlier.map(\.timestamp.microseconds) == [Fixtures.day0 + 3_000_000_000, Fixtures.day0 + 3_000_000_000])
            #expect(earlier.map(\.instanceID) == ["host-a:1", "host-b:2"])
            #expect(try store.samples(MetricsQuery(latestPerPoolAndInstance: true, limit: 2)).count == 2)
        }
    }

    @Test("concurrent appends and reads from many threads lose nothing", arguments: StoreKind.allCases)
    func concurrentAppends(kind: StoreKind) throws {
        try withStore(kind) { (store: any TestStore) throws in
            let failures = Atomic<Int>(0)
            DispatchQueue.concurrentPerform(iterations: 8) { worker in
                for batch in 0..<25 {
                    let rows = (0..<10).map {
                        Fixtures.sample(Fixtures.day0 + Int64(batch * 10 + $0) * 1_000_000, pool: "w\(worker)", seed: $0)
                    }
                    do {
                        try store.append(rows)
                        _ = try store.samples(MetricsQuery(poolNames: ["w\(worker)"], latestPerPoolAndInstance: true))
                    } catch {
                        failures.add(1, ordering: .relaxed)
                    }
                }
            }
            #expect(failures.load(ordering: .relaxed) == 0)
            #expect(try store.samples(.all).count == 8 * 25 * 10)
            #expect(try store.samples(MetricsQuery(poolNames: ["w3"])).count == 250)
        }
    }

    @Test("a closed store fails with 55000", arguments: StoreKind.allCases)
    func closed(kind: StoreKind) throws {
        try withStore(kind) { store in
            try store.append(Fixtures.grid(hours: 1))
            store.close()
            let append = #expect(throws: PoolSQLError.self) { try store.append(Fixtures.grid(hours: 1)) }
            #expect(append?.code == .objectNotInPrerequisiteState)
            let read = #expect(throws: PoolSQLError.self) { try store.samples(.all) }
            #expect(read?.code == .objectNotInPrerequisiteState)
            let maintain = #expect(throws: PoolSQLError.self) {
                try store.maintain(now: Fixtures.at(Fixtures.day0), policy: RetentionPolicy())
            }
            #expect(maintain?.code == .objectNotInPrerequisiteState)
        }
    }

    @Test("maintain rolls up only ended buckets; daily rollups merge the day's hours", arguments: StoreKind.allCases)
    func rollupsOfEndedBuckets(kind: StoreKind) throws {
        try withStore(kind) { store in
            let rows = Fixtures.grid(hours: 3)
            try store.append(rows)
            #expect(try store.rollups(.hourly, .all).isEmpty)
            // Half-way through the third hour: hours 0 and 1 have ended.
            let report = try store.maintain(now: Fixtures.at(Fixtures.day0 + 2 * Fixtures.hour + 1_800_000_000), policy: RetentionPolicy())
            #expect(report.hourlyRollupsWritten == 12)
            #expect(report.dailyRollupsWritten == 0)
            let hourly = try store.rollups(.hourly, .all)
            #expect(hourly == MetricsRollup.build(from: rows.filter { $0.timestamp.microseconds < Fixtures.day0 + 2 * Fixtures.hour },
                                                  granularity: .hourly))
            #expect(Set(hourly.map(\.bucketStart.microseconds)) == [Fixtures.day0, Fixtures.day0 + Fixtures.hour])
            #expect(hourly.allSatisfy { $0.sampleCount == 6 })
            #expect(try store.rollups(.daily, .all).isEmpty)
            // Nothing new: a second call writes nothing.
            #expect(try store.maintain(now: Fixtures.at(Fixtures.day0 + 2 * Fixtures.hour + 1_900_000_000), policy: RetentionPolicy()).hourlyRollupsWritten == 0)
            // The next day: the third hour and the day.
            let next = try store.maintain(now: Fixtures.at(Fixtures.day0 + Fixtures.day + 60_000_000), policy: RetentionPolicy())
            #expect(next.hourlyRollupsWritten == 6)
            #expect(next.dailyRollupsWritten == 6)
            let allHourly = try store.rollups(.hourly, .all)
            #expect(allHourly.count == 18)
            let daily = try store.rollups(.daily, .all)
            #expect(daily == MetricsRollup.merge(allHourly, into: .daily))
            #expect(daily.count == 6)
            #expect(daily.allSatisfy { $0.sampleCount == 18 && $0.bucketStart.microseconds == Fixtures.day0 })
            #expect(daily.reduce(0) { $0 + $1.operations } == rows.reduce(0) { $0 + $1.operations })
            // Rollup queries filter and limit too.
            let billing = try store.rollups(.hourly, MetricsQuery(from: Fixtures.at(Fixtures.day0 + Fixtures.hour), poolNames: ["billing"]))
            #expect(billing.count == 4)
            #expect(billing.allSatisfy { $0.poolName == "billing" && $0.bucketStart.microseconds >= Fixtures.day0 + Fixtures.hour })
            #expect(try store.rollups(.hourly, MetricsQuery(limit: 3)) == Array(allHourly.prefix(3)))
        }
    }

    @Test("a late import into a rolled-up hour makes the next maintain rebuild it", arguments: StoreKind.allCases)
    func lateImport(kind: StoreKind) throws {
        try withStore(kind) { store in
            try store.append(Fixtures.grid(hours: 2))
            let policy = RetentionPolicy()
            try store.maintain(now: Fixtures.at(Fixtures.day0 + Fixtures.day + 1), policy: policy)
            let before = try store.rollups(.hourly, MetricsQuery(to: Fixtures.at(Fixtures.day0 + Fixtures.hour), poolNames: ["orders"], instanceIDs: ["host-a:1"]))
            #expect(before.map(\.sampleCount) == [6])
            let dailyBefore = try store.rollups(.daily, MetricsQuery(poolNames: ["orders"], instanceIDs: ["host-a:1"]))
            #expect(dailyBefore.map(\.sampleCount) == [12])
            // An import of rows of the first hour (e.g. COPY FROM a file).
            try store.append([Fixtures.sample(Fixtures.day0 + 5 * 60_000_000, pool: "orders", seed: 3, latencies: [500]),
                              Fixtures.sample(Fixtures.day0 + 7 * 60_000_000, pool: "orders", seed: 4, latencies: [700])])
            let report = try store.maintain(now: Fixtures.at(Fixtures.day0 + Fixtures.day + 2), policy: policy)
            #expect(report.hourlyRollupsWritten == 6)
            #expect(report.dailyRollupsWritten == 6)
            let after = try store.rollups(.hourly, MetricsQuery(to: Fixtures.at(Fixtures.day0 + Fixtures.hour), poolNames: ["orders"], instanceIDs: ["host-a:1"]))
            #expect(after.map(\.sampleCount) == [8])
            #expect(after.first?.latencySketch.maximum == 700)
            let dailyAfter = try store.rollups(.daily, MetricsQuery(poolNames: ["orders"], instanceIDs: ["host-a:1"]))
            #expect(dailyAfter.map(\.sampleCount) == [14])
            // Clean again: nothing to rebuild.
            #expect(try store.maintain(now: Fixtures.at(Fixtures.day0 + Fixtures.day + 3), policy: policy).hourlyRollupsWritten == 0)
            // A row in the newest rolled-up hour (the watermark itself, 23:00) counts as late too.
            try store.append([Fixtures.sample(Fixtures.day0 + 23 * Fixtures.hour + 60_000_000, pool: "night", seed: 1)])
            let edge = try store.maintain(now: Fixtures.at(Fixtures.day0 + Fixtures.day + 4), policy: policy)
            #expect(edge.hourlyRollupsWritten == 1)
            #expect(try store.rollups(.hourly, MetricsQuery(poolNames: ["night"])).map(\.bucketStart.microseconds) == [Fixtures.day0 + 23 * Fixtures.hour])
            #expect(try store.rollups(.daily, MetricsQuery(poolNames: ["night"])).count == 1)
        }
    }

    @Test("rollup percentiles are within the sketch's relative accuracy of exact percentile_disc", arguments: StoreKind.allCases)
    func rollupPercentiles(kind: StoreKind) throws {
        try withStore(kind) { store in
            var generator = SeededGenerator(seed: 42)
            var all: [Double] = []
            var rows: [MetricsSample] = []
            for step in 0..<360 {  // one hour at 10 s
                let latencies = (0..<50).map { _ in exp(Double.random(in: -2...6, using: &generator)) }
                all += latencies
                rows.append(Fixtures.sample(Fixtures.day0 + Int64(step) * 10_000_000, pool: "orders", seed: step, latencies: latencies))
            }
            try store.append(rows)
            try store.maintain(now: Fixtures.at(Fixtures.day0 + Fixtures.day + 1), policy: RetentionPolicy())
            let hourly = try #require(try store.rollups(.hourly, .all).first)
            let daily = try #require(try store.rollups(.daily, .all).first)
            all.sort()
            for q in [0.5, 0.9, 0.95, 0.99, 0.999] {
                let rank = max(1, Int((q * Double(all.count)).rounded(.up)))
                let exact = all[rank - 1]
                for rollup in [hourly, daily] {
                    let estimate = try #require(rollup.percentile(q))
                    #expect(abs(estimate - exact) <= LatencySketch.relativeAccuracy * exact, "q=\(q): \(estimate) vs \(exact)")
                }
            }
        }
    }

    @Test("retention deletes in batches and reports moreToDelete", arguments: StoreKind.allCases)
    func retentionInBatches(kind: StoreKind) throws {
        try withStore(kind) { store in
            let now = Fixtures.day0 + 30 * Fixtures.day
            let old = (0..<2500).map { Fixtures.sample(Fixtures.day0 + Int64($0) * 1_000_000, pool: "old", seed: $0) }
            let fresh = (0..<10).map { Fixtures.sample(now - Int64($0 + 1) * 60_000_000, pool: "fresh", seed: $0) }
            try store.append(old + fresh)
            let policy = RetentionPolicy(deleteBatchSize: 1000)
            let first = try store.maintain(now: Fixtures.at(now), policy: policy)
            #expect(first.rawRowsDeleted == 1000)
            #expect(first.moreToDelete)
            let second = try store.maintain(now: Fixtures.at(now), policy: policy)
            #expect(second.rawRowsDeleted == 1000)
            #expect(second.moreToDelete)
            let third = try store.maintain(now: Fixtures.at(now), policy: policy)
            #expect(third.rawRowsDeleted == 500)
            #expect(!third.moreToDelete)
            #expect(try store.samples(.all).map(\.poolName) == Array(repeating: "fresh", count: 10))
            // The expired hour's rollup was built before its rows went; rollups have their own retention.
            #expect(try store.rollups(.hourly, MetricsQuery(poolNames: ["old"])).count == 1)
            let short = RetentionPolicy(rollupRetentionMicroseconds: 10 * Fixtures.day, deleteBatchSize: 1000)
            let rollupReport = try store.maintain(now: Fixtures.at(now), policy: short)
            #expect(rollupReport.rollupRowsDeleted == 2)  // the hourly and the daily row of "old"
            #expect(try store.rollups(.hourly, MetricsQuery(poolNames: ["old"])).isEmpty)
            #expect(try store.rollups(.daily, MetricsQuery(poolNames: ["old"])).isEmpty)
            #expect(try store.rollups(.daily, MetricsQuery(poolNames: ["fresh"])).count == 1)
            let statistics = try store.statistics()
            #expect(statistics.rawSamples == 10)
            #expect(statistics.oldestSample == Fixtures.at(now - 10 * 60_000_000))
            #expect(statistics.newestSample == Fixtures.at(now - 60_000_000))
        }
    }

    @Test("metadata keeps first-write order, replaces and deletes", arguments: StoreKind.allCases)
    func metadata(kind: StoreKind) throws {
        try withStore(kind) { store in
            #expect(try store.entries(namespace: "views").isEmpty)
            try store.setEntry(namespace: "views", key: "busy", value: "{\"sql\":1}")
            try store.setEntry(namespace: "views", key: "alpha", value: "{\"sql\":2}")
            try store.setEntry(namespace: "settings", key: "metrics_retention", value: "3 days")
            try store.setEntry(namespace: "views", key: "busy", value: "{\"sql\":3}")
            #expect(try store.entries(namespace: "views") == [MetadataEntry(key: "busy", value: "{\"sql\":3}"),
                                                              MetadataEntry(key: "alpha", value: "{\"sql\":2}")])
            try store.setEntry(namespace: "views", key: "busy", value: nil)
            try store.setEntry(namespace: "views", key: "zeta", value: "z")
            #expect(try store.entries(namespace: "views").map(\.key) == ["alpha", "zeta"])
            try store.replaceEntries(namespace: "views", with: [MetadataEntry(key: "m", value: "1"), MetadataEntry(key: "b", value: "2")])
            #expect(try store.entries(namespace: "views") == [MetadataEntry(key: "m", value: "1"), MetadataEntry(key: "b", value: "2")])
            try store.setEntry(namespace: "views", key: "a", value: "3")
            #expect(try store.entries(namespace: "views").map(\.key) == ["m", "b", "a"])
            #expect(try store.entries(namespace: "settings") == [MetadataEntry(key: "metrics_retention", value: "3 days")])
            try store.replaceEntries(namespace: "settings", with: [])
            #expect(try store.entries(namespace: "settings").isEmpty)
        }
    }

    @Test("load test results get ids 1, 2, … and keep every field", arguments: StoreKind.allCases)
    func loadTests(kind: StoreKind) throws {
        try withStore(kind) { store in
            let first = try store.appendLoadTestResult(Fixtures.loadTest(pool: "orders", minutes: 1))
            var withTarget = Fixtures.loadTest(pool: "billing", minutes: 2.5)
            withTarget.targetOperationsPerSecond = 1000
            withTarget.scenarioName = nil
            let second = try store.appendLoadTestResult(withTarget)
            let third = try store.appendLoadTestResult(Fixtures.loadTest(pool: "orders", minutes: 5))
            #expect([first.testID, second.testID, third.testID] == [1, 2, 3])
            let all = try store.loadTestResults()
            #expect(all == [first, second, third])
            #expect(all[1].targetOperationsPerSecond == 1000)
            #expect(all[1].scenarioName == nil)
            #expect(all[0].targetOperationsPerSecond == nil)
        }
    }
}

/// A small deterministic generator (SplitMix64), so a failing run can be repeated.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
