import Foundation

/// The numbers of one run, written as JSON (`--json`) for scripts/history-bench.sh, which puts
/// them next to DuckDB's.
struct Report: Codable {
    struct Ingest: Codable {
        var batchSize: Int
        var samples: Int
        var timing: Timing
    }

    struct Store: Codable {
        var ingest: [Ingest] = []
        var readWithSketch: Timing?
        var readWithoutSketch: Timing?
        var bytesPerSampleRaw: Double?
        var bytesPerMillionRaw: Double?
        var bytesPerRollupRow: Double?
        var rollupShareOfRaw: Double?
        var projectedYearBytes: Double?
    }

    struct SketchCodec: Codable {
        var buckets: Int
        var parseMicroseconds: Double
        var referenceParseMicroseconds: Double
        var encodeMicroseconds: Double
        var referenceEncodeMicroseconds: Double
    }

    struct Sampler: Codable {
        var pools: Int
        var ticks: Int
        var operationsPerPoolPerTick: Int
        var server: String
        var store: String
        var microsecondsPerPoolPerTick: Double
        var cpuMicrosecondsPerPoolPerTick: Double
    }

    struct Trend: Codable {
        var rows: Int
        var storeBytes: Int64
        var loadSeconds: Double?
        var pageCache: String
        var residentBeforeCold: Double?
        var cold: Timing
        var warmRuns: [Timing]
        var warmMedianWallMS: Double
        var warmMedianCPUMS: Double
        var storeReadAsColumns: Timing
        var storeReadWithoutSketch: Timing
        var storeReadWithSketch: Timing
        var warmWhileWriting: [Timing]
        var warmWhileWritingMedianWallMS: Double
        var warmWhileWritingMedianCPUMS: Double
        var resultRows: Int
        var resultFile: String?
        var query: String
        var sketchPercentile: SketchPercentile?
        var fromRollups: FromRollups?
    }

    /// The trend from `connection_pool_metrics_hourly` instead of the raw samples.
    struct FromRollups: Codable {
        var rows: Int
        var warmMedianWallMS: Double
        var warmMedianCPUMS: Double
    }

    /// `sketch_percentile` over the hourly rollups of the trend history.
    struct SketchPercentile: Codable {
        var rollupRows: Int
        var maintain: Timing
        var warmMedianWallMS: Double
        var warmMedianCPUMS: Double
        var microsecondsPerRow: Double
        var averageBuckets: Double
    }

    var sqliteVersion: String
    var loadAverageAtStart: String
    var store: Store?
    var sketch: [SketchCodec] = []
    var sampler: [Sampler] = []
    var trend: Trend?

    func write(to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(self).write(to: URL(fileURLWithPath: path))
    }
}
