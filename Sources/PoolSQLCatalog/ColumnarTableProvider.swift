import PoolSQLCore

/// A table that can answer a scan as typed columns instead of rows, for operators that read
/// columns (the columnar GROUP BY). `scan` stays the reference: a columnar answer holds exactly
/// the rows `scan(request)` returns, in the same order.
public protocol ColumnarTableProvider: TableProvider {
    /// The rows of `request` (its filters applied exactly, as `scan` does) as one typed column
    /// per schema column, or nil when this scan is better answered by `scan` (e.g. a limit, or a
    /// column the table cannot give typed). Columns outside the request's projection may be
    /// `TypedColumn.notRead`.
    func columnarScan(_ request: ScanRequest) throws(PoolSQLError) -> ColumnarBatch?
}

/// Rows as typed columns: `columns[i]` is schema column `i` and holds `rowCount` values, or is
/// `TypedColumn.notRead` when the scan did not read it.
public struct ColumnarBatch: Sendable {
    public var rowCount: Int
    public var columns: [TypedColumn]

    public init(rowCount: Int, columns: [TypedColumn]) {
        self.rowCount = rowCount
        self.columns = columns
    }
}
