import PoolSQLCore
import PoolSQLPool
import Testing

@Suite("PoolOptions")
struct PoolOptionsTests {
    @Test func appliesURIOptions() throws {
        let uri = try MongoURI("mongodb://h/?maxPoolSize=7&minPoolSize=2&maxConnecting=3&appName=App&readPreference=NEAREST&tls=false&maxIdleTimeMS=900")
        let options = try PoolOptions().applying(uri.options)
        #expect(options.maxPoolSize == 7)
        #expect(options.minPoolSize == 2)
        #expect(options.maxConnecting == 3)
        #expect(options.appName == "App")
        #expect(options.readPreference == "nearest")
        #expect(options.maxIdleTimeMS == 900)
        #expect(options.connectTimeoutMS == PoolOptions().connectTimeoutMS)
        try options.validate()
    }

    @Test func namedRoundTrips() throws {
        let options = PoolOptions(minPoolSize: 1, maxPoolSize: 9, appName: "A", readPreference: "secondary", healthCheckIntervalMS: 1234)
        #expect(try PoolOptions().applying(options.named) == options)
        #expect(Set(options.named.keys).isSubset(of: Set(PoolOptions.optionNames)))
    }

    @Test func badValueIsInvalidParameterValue() {
        #expect(throws: PoolSQLError.self) { try PoolOptions().applying(["maxpoolsize": "many"]) }
        do {
            _ = try PoolOptions().applying(["readpreference": "fastest"])
            Issue.record("accepted readpreference fastest")
        } catch let error as PoolSQLError {
            #expect(error.code == .invalidParameterValue)
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test(arguments: [
        PoolOptions(minPoolSize: 5, maxPoolSize: 2),
        PoolOptions(maxPoolSize: -1),
        PoolOptions(maxConnecting: 0),
        PoolOptions(heartbeatFrequencyMS: 100),
        PoolOptions(readPreference: "fastest"),
        PoolOptions(appName: String(repeating: "x", count: 200)),
    ])
    func inconsistentOptionsAreRejected(options: PoolOptions) {
        do {
            try options.validate()
            Issue.record("accepted \(options)")
        } catch let error as PoolSQLError {
            #expect(error.code == .invalidParameterValue)
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func poolRejectsInvalidOptions() {
        #expect(throws: PoolSQLError.self) {
            _ = try MongoPool(name: "bad", uri: "mongodb://127.0.0.1:1/", options: PoolOptions(minPoolSize: 3, maxPoolSize: 1))
        }
    }

    @Test func healthStatusThresholds() {
        #expect(HealthStatus.forLatency(3) == .healthy)
        #expect(HealthStatus.forLatency(1_000) == .healthy)
        #expect(HealthStatus.forLatency(1_001) == .warning)
        #expect(HealthStatus.forLatency(5_001) == .degraded)
        #expect(HealthStatus.allCases.map(\.rawValue) == ["initializing", "healthy", "warning", "degraded", "unhealthy"])
    }
}
