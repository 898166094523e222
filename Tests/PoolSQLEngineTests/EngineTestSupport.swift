import PoolSQLCatalog
import PoolSQLCore
import PoolSQLExecution
import PoolSQLPlanner
import PoolSQLSyntax
import Synchronization

/// A table that records every scan request and answers `supportsFilter` as configured. With
/// `honourFilters: false` it ignores the filters it accepted, as an inexact table may.
final class RecordingTable: TableProvider {
    let inner: MemoryTable
    let support: @Sendable (ScanFilter) -> FilterPushdown
    let honourFilters: Bool
    private let recorded = Mutex<[ScanRequest]>([])

    init(support: @escaping @Sendable (ScanFilter) -> FilterPushdown, honourFilters: Bool = true) {
        self.inner = Fixtures.pools()
        self.support = support
        self.honourFilters = honourFilters
    }

    var schema: TableSchema { inner.schema }
    var requests: [ScanRequest] { recorded.withLock { $0 } }

    func supportsFilter(_ filter: ScanFilter) -> FilterPushdown { support(filter) }

    func scan(_ request: ScanRequest) throws(PoolSQLError) -> [[Value]] {
        recorded.withLock { $0.append(request) }
        var effective = request
        if !honourFilters { effective.filters = []; effective.limit = nil }
        return try inner.scan(effective)
    }
}

enum Harness {
    static let context = ExecutionContext(statementTimestamp: Fixtures.statementTimestamp)

    static func query(_ sql: String) throws(PoolSQLError) -> Query {
        guard case let .query(q) = try Parser.parseStatement(sql) else {
            throw PoolSQLError(.syntaxError, "not a query: \(sql)")
        }
        return q
    }

    static func run(_ sql: String, tables: [String: any TableProvider] = ["pools": Fixtures.pools()]) throws(PoolSQLError) -> ResultSet {
        try QueryExecutor.execute(query: query(sql), catalog: StaticCatalog(tables: tables), context: context)
    }

    static func explain(_ sql: String, tables: [String: any TableProvider] = ["pools": Fixtures.pools()]) throws(PoolSQLError) -> [String] {
        try QueryExecutor.explain(query: query(sql), catalog: StaticCatalog(tables: tables), context: context)
    }

    static func error(_ sql: String) -> PoolSQLError? {
        do {
            _ = try run(sql)
            return nil
        } catch {
            return error
        }
    }

    /// The rows as text lines (`orders 42`), for compact expectations.
    static func lines(_ sql: String, tables: [String: any TableProvider] = ["pools": Fixtures.pools()]) throws(PoolSQLError) -> [String] {
        try run(sql, tables: tables).rows.map { $0.map { $0.isNull ? "NULL" : $0.description }.joined(separator: " ") }
    }
}
