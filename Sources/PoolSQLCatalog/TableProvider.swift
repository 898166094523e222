import PoolSQLCore

/// A table the engine can scan: virtual tables over pools, user tables, test fixtures.
///
/// The planner offers each pushable filter to `supportsFilter`, then calls `scan` once per
/// statement with the projection, the accepted filters and (when safe) a limit. Filters reported
/// `.inexact` or `.unsupported` are applied again by the engine, so a table may always answer
/// `.unsupported` and return every row.
public protocol TableProvider: Sendable {
    var schema: TableSchema { get }
    func supportsFilter(_ filter: ScanFilter) -> FilterPushdown
    func scan(_ request: ScanRequest) throws(PoolSQLError) -> [[Value]]
}

extension TableProvider {
    public func supportsFilter(_ filter: ScanFilter) -> FilterPushdown { .unsupported }
}
