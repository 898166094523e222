import Foundation
import PoolSQLTestSupport
import Testing

/// `Samples/history_trends.sql` against a real server: the seeded incident shows as a SPIKE
/// hour found with LAG, followed by a recovery, and the time and pool filters reach the store.
@Suite struct HistoryTrendsSampleTests {
    @Test func incidentHourIsFlaggedAndFiltersArePushed() throws {
        let server = try SecantusServer()
        let run = try PoolsqlProcessTests().poolsql(
            ["-f", SamplesTests.samplesDirectory.appendingPathComponent("history_trends.sql").path, "--format", "csv"],
            environment: ["MONGODB_URI": server.uri])
        #expect(run.status == 0, "\(run.standardError)")
        let lines = run.standardOutput.split(separator: "\n").map(String.init)
        let hourly = lines.filter { $0.range(of: #"^\d{4}-\d{2}-\d{2} \d{2}:00,"#, options: .regularExpression) != nil }
        // The seeded samples run from 23 h 55 min ago to 5 min ago: 25 clock hours, or 24 when
        // the run starts within 5 minutes of a full hour. Each is listed once, in order, no gaps.
        let trendHours = hourly.filter { $0.split(separator: ",", omittingEmptySubsequences: false).count == 7 }
            .map { String($0.prefix(16)) }
        #expect((24...25).contains(trendHours.count), "\(run.standardOutput)")
        let hourFormat = DateFormatter()
        hourFormat.locale = Locale(identifier: "en_US_POSIX")
        hourFormat.timeZone = TimeZone(identifier: "UTC")
        hourFormat.dateFormat = "yyyy-MM-dd HH:mm"
        let starts = trendHours.compactMap { hourFormat.date(from: $0) }
        #expect(starts.count == trendHours.count)
        #expect(zip(starts, starts.dropFirst()).allSatisfy { $1.timeIntervalSince($0) == 3600 }, "\(run.standardOutput)")
        let spikes = hourly.filter { $0.hasSuffix(",SPIKE") }
        // One spike hour, or two when the incident's first minutes fall at the end of an hour.
        #expect((1...2).contains(spikes.count), "\(run.standardOutput)")
        #expect(hourly.contains { $0.hasSuffix(",recovered") })
        // The spike-only query names the same hours.
        let spikeHours = spikes.map { String($0.prefix(16)) }
        let listed = hourly.filter { $0.split(separator: ",", omittingEmptySubsequences: false).count == 3 }.map { String($0.prefix(16)) }
        #expect(listed == spikeHours, "\(run.standardOutput)")
        #expect(run.standardOutput.contains("metric_timestamp > TIMESTAMP"))
        #expect(run.standardOutput.contains("pool_name = 'trends' (exact)"))
    }
}
