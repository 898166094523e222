import Foundation
import PoolSQL
import Synchronization
import Testing

/// Helpers shared by the pool table suites.
enum PoolTableTestSupport {
    /// Polls `condition` until it holds or `seconds` pass (no timing is asserted; the deadline
    /// only bounds a wait for background work of the pool).
    static func eventually(_ seconds: Double = 15, _ condition: () throws -> Bool) rethrows -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if try condition() { return true }
            Thread.sleep(forTimeInterval: 0.05)
        }
        return try condition()
    }

    /// Every row of the last result of `sql`, as column name → value.
    static func rows(_ session: Session, _ sql: String) throws -> [[String: Value]] {
        let result = try #require(try session.execute(sql).last)
        return result.rows.map { Dictionary(uniqueKeysWithValues: zip(result.columns.map(\.name), $0)) }
    }

    /// The declared column types of `table`, by name.
    static func columnTypes(_ session: Session, _ table: String) throws -> [String: DataType] {
        let result = try #require(try session.execute("SELECT * FROM \(table) LIMIT 0").last)
        return Dictionary(uniqueKeysWithValues: result.columns.map { ($0.name, $0.type) })
    }

    /// The EXPLAIN text of `sql`.
    static func explain(_ session: Session, _ sql: String) throws -> String {
        try session.execute("EXPLAIN " + sql)[0].rows.map { $0[0].description }.joined(separator: "\n")
    }

    /// An event a test emits itself, marked in `detail` so real events of the pool never match.
    static func syntheticEvent(_ pool: MongoPool, _ type: PoolEventType, marker: String, connectionID: Int? = nil,
                               reason: PoolEventReason? = nil, durationMS: Double? = nil,
                               time: Timestamp = .now()) -> PoolEvent {
        PoolEvent(time: time, poolName: pool.name, type: type, serverAddress: ServerAddress(host: "127.0.0.1", port: 1),
                  connectionID: connectionID, reason: reason, durationMS: durationMS, detail: marker)
    }
}

/// Collects values handed over by event handlers on other threads.
final class Recorder<Element: Sendable>: Sendable {
    private let items = Mutex<[Element]>([])
    func append(_ item: Element) { items.withLock { $0.append(item) } }
    var all: [Element] { items.withLock { $0 } }
}
