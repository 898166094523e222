import Foundation
import PoolSQLTestSupport
import Testing

/// Runs the `EmbeddingExample` executable (Examples/EmbeddingExample, built next to the tests
/// by `swift build --build-tests`) against a real SecantusDB server and checks what it prints.
@Suite struct EmbeddingExampleTests {
    static func executableURL() throws -> URL {
        let poolsql = try PoolsqlProcessTests.executableURL()
        let example = poolsql.deletingLastPathComponent().appendingPathComponent("EmbeddingExample")
        guard FileManager.default.isExecutableFile(atPath: example.path) else {
            throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: example.path])
        }
        return example
    }

    @Test func theExampleCreatesPoolsRunsTrafficAndQueriesThem() throws {
        let server = try SecantusServer()
        let process = Process()
        process.executableURL = try Self.executableURL()
        process.arguments = [server.uri]
        let stdout = Pipe(), stderr = Pipe()
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        let out = String(decoding: stdout.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let err = String(decoding: stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(err)")
        #expect(err.isEmpty, "\(err)")
        let lines = out.split(separator: "\n").map(String.init)
        // Its own traffic: 8 × 25 inserts through orders, 20 counts through analytics.
        #expect(lines.contains("orders,example,8,200,0,t"), "\(out)")
        #expect(lines.contains("analytics,example,4,20,0,t"), "\(out)")
        #expect(lines.contains("embedded,8,t,t,t"), "\(out)")
        #expect(lines.contains { $0.hasPrefix("analytics,") && $0.split(separator: ",").count == 4 })
        #expect(lines.contains("connection_checked_out,true"))
        // The history: the sample taken after the traffic (background samples may add more,
        // never fewer operations).
        let history = lines.drop { $0 != "-- history" }.dropFirst(2).prefix(2)
        #expect(history.count == 2, "\(out)")
        for (line, (pool, operations)) in zip(history, [("analytics", 20), ("orders", 200)]) {
            let fields = line.split(separator: ",").map(String.init)
            #expect(fields.count == 3 && fields[0] == pool && (Int(fields[1]) ?? 0) >= operations && fields[2] == "t", "\(out)")
        }
    }
}
