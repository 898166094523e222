import PoolSQLCore
import PoolSQLPool

/// Uncontended check-out + check-in on one thread, against an idle, already established
/// connection: PoolSQL's `withConnection` with an empty body versus libmongoc's
/// `mongoc_client_pool_pop` + `mongoc_client_pool_push`.
struct CheckoutBenchmark {
    let uri: String
    let iterations: Int
    let repetitions: Int
    var measurePoolSQL = true
    var measureLibmongoc = true

    struct Result: Sendable {
        /// Median nanoseconds per check-out/check-in pair, and every repetition's value.
        var poolSQLNanoseconds: Double
        var libmongocNanoseconds: Double
        var poolSQLRuns: [Double]
        var libmongocRuns: [Double]
        var ratio: Double { poolSQLNanoseconds / libmongocNanoseconds }
    }

    func run() throws -> Result {
        let pool = try MongoPool(name: "bench_checkout", uri: uri)
        defer { pool.close() }
        let raw = try RawMongocPool(uri: uri, maxPoolSize: 100)

        // Warm both: PoolSQL opens (and pings) one connection and then hands out the idle one;
        // libmongoc creates its one client (and starts its monitor) on the first pop.
        try pool.ping()
        try raw.push(raw.pop())
        if measurePoolSQL { _ = try measurePoolSQL(pool, pairs: min(iterations, 10_000)) }
        if measureLibmongoc { _ = try measureLibmongoc(raw, pairs: min(iterations, 10_000)) }

        var poolSQLRuns: [Double] = []
        var libmongocRuns: [Double] = []
        // Interleaved, alternating which goes first, so a burst of load from elsewhere on the
        // machine hits both sides alike.
        for repetition in 0..<repetitions {
            let poolSQLFirst = repetition % 2 == 0
            if poolSQLFirst, measurePoolSQL { poolSQLRuns.append(try measurePoolSQL(pool, pairs: iterations)) }
            if measureLibmongoc { libmongocRuns.append(try measureLibmongoc(raw, pairs: iterations)) }
            if !poolSQLFirst, measurePoolSQL { poolSQLRuns.append(try measurePoolSQL(pool, pairs: iterations)) }
        }
        return Result(poolSQLNanoseconds: median(poolSQLRuns), libmongocNanoseconds: median(libmongocRuns),
                      poolSQLRuns: poolSQLRuns, libmongocRuns: libmongocRuns)
    }

    /// Nanoseconds per pair.
    private func measurePoolSQL(_ pool: MongoPool, pairs: Int) throws -> Double {
        var idSum = 0
        let start = ContinuousClock.now
        for _ in 0..<pairs {
            idSum &+= try pool.withConnection { $0.id }
        }
        let elapsed = ContinuousClock.now - start
        // The sum is used so the loop cannot be optimised away.
        if idSum == 0 { throw PoolSQLError.internal("PoolSQL handed out no connection") }
        return elapsed.seconds * 1e9 / Double(pairs)
    }

    private func measureLibmongoc(_ raw: RawMongocPool, pairs: Int) throws -> Double {
        let start = ContinuousClock.now
        for _ in 0..<pairs {
            raw.push(try raw.pop())
        }
        let elapsed = ContinuousClock.now - start
        return elapsed.seconds * 1e9 / Double(pairs)
    }
}
