import Foundation
import PoolSQL
import PoolSQLTestSupport

/// The sampler's work per pool per tick: `Engine.sampleMetricsNow()` (each pool's snapshot,
/// its interval latency sketch and percentiles, the counter deltas, one `MetricsSample`, then
/// the hand-off to the store) timed over `ticks` ticks, with `operations` pings per pool
/// between ticks (not timed) so every sample carries a real sketch. Once into a MemoryStore
/// (the sampler's own work), once into the SQLite store (what a tick costs with the write).
func runSamplerSection(_ options: Options, _ report: inout Report) throws {
    var server: SecantusServer?
    var uri = options.samplerURI
    var serverLabel = uri == nil ? "" : "given by --sampler-uri"
    if uri == nil, SecantusServer.findExecutable() != nil {
        let started = try SecantusServer()
        server = started
        uri = started.uri
        serverLabel = "SecantusDB started for this run"
    }
    defer { server?.stop() }
    let operations = uri == nil ? 0 : options.samplerOperations
    if uri == nil { serverLabel = "none (no SecantusDB found: pools on a closed port, idle, empty sketches)" }
    print("— sampler: \(options.samplerPools) pools, \(options.samplerTicks) ticks, \(operations) pings per pool between ticks; server: \(serverLabel) (load average \(loadAverage()))")

    let directory = options.directory + "/sampler"
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    for (label, store) in [("MemoryStore", MemoryStore() as any LocalStore),
                           ("SQLiteStore", try SQLiteStore(path: directory + "/poolsql.db") as any LocalStore)] {
        let engine = try Engine(configuration: EngineConfiguration(localStore: store, metricsSampling: false, instanceID: "bench-host:1"))
        defer { engine.shutdown() }
        for p in 0..<options.samplerPools {
            try engine.createPool(name: "pool-\(p)", uri: uri ?? "mongodb://127.0.0.1:9/?serverSelectionTimeoutMS=100",
                                  environment: "prod")
        }
        let pools = try engine.poolNames.map { (name: String) throws(PoolSQLError) in try engine.pool(named: name) }
        func traffic() throws {
            guard operations > 0 else { return }
            for pool in pools { for _ in 0..<operations { try pool.ping() } }
        }
        try traffic()
        _ = try engine.sampleMetricsNow()  // the first tick sets the counters' baselines
        var wall: [Double] = []
        var cpuTimes: [Double] = []
        var buckets = 0
        for _ in 0..<options.samplerTicks {
            try traffic()
            var samples: [MetricsSample] = []
            let t = try measure { samples = try engine.sampleMetricsNow() }
            guard samples.count == options.samplerPools else {
                throw PoolSQLError(.internalError, "a tick sampled \(samples.count) pools, not \(options.samplerPools)")
            }
            buckets += samples.map(\.latencySketch.buckets.count).reduce(0, +)
            wall.append(t.wall)
            cpuTimes.append(t.cpu)
        }
        let perPool = median(wall) / Double(options.samplerPools) * 1e6
        let perPoolCPU = median(cpuTimes) / Double(options.samplerPools) * 1e6
        report.sampler.append(.init(pools: options.samplerPools, ticks: options.samplerTicks, operationsPerPoolPerTick: operations,
                                    server: serverLabel, store: label, microsecondsPerPoolPerTick: perPool,
                                    cpuMicrosecondsPerPoolPerTick: perPoolCPU))
        print("sampleMetricsNow into the " + label + String(format: ": %.1f µs per pool per tick (cpu %.1f µs; median of %d ticks of %d pools; %.0f sketch buckets per sample)",
                     perPool, perPoolCPU, options.samplerTicks, options.samplerPools,
                     Double(buckets) / Double(options.samplerTicks * options.samplerPools)))
    }
}
