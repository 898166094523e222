import Foundation
import PoolSQLCore

/// Async overloads for use from Swift concurrency: each runs the blocking libmongoc work on a
/// fresh dedicated thread and suspends meanwhile, so the cooperative pool never blocks.
/// (Cancellation is not propagated into a running libmongoc call; it ends at its own timeouts.)
extension MongoPool {
    public func withConnection<T: Sendable>(_ body: @escaping @Sendable (MongoConnection) throws -> T) async throws -> T {
        try await BlockingThread.run { try self.withConnection(body) }
    }

    public func runCommand(database: String, commandJSON: String) async throws -> String {
        try await BlockingThread.run { try self.runCommand(database: database, commandJSON: commandJSON) }
    }

    public func ping() async throws {
        try await BlockingThread.run { try self.ping() }
    }

    @discardableResult
    public func checkHealth() async -> HealthStatus {
        // Cannot fail; the Result only carries the value across.
        (try? await BlockingThread.run { self.checkHealth() }) ?? healthStatus
    }

    public func close() async {
        _ = try? await BlockingThread.run { self.close() }
    }
}

/// Runs blocking work on a new OS thread and resumes the caller with its result.
enum BlockingThread {
    static func run<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            let thread = Thread {
                continuation.resume(with: Result { try work() })
            }
            thread.name = "poolsql-blocking"
            thread.start()
        }
    }
}
