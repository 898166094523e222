/// What the planner asks of a table scan.
public struct ScanRequest: Sendable, Hashable {
    /// Schema positions of the columns to return, in this order; `nil` means every column in
    /// schema order. Returned rows hold exactly these columns.
    public var projection: [Int]?
    /// Filters the table said it supports (exactly or inexactly), all of which must hold (AND).
    public var filters: [ScanFilter]
    /// At most this many rows are needed. Only set when every filter is exact, so a table may
    /// simply stop after `limit` matching rows.
    public var limit: Int?

    public init(projection: [Int]? = nil, filters: [ScanFilter] = [], limit: Int? = nil) {
        self.projection = projection
        self.filters = filters
        self.limit = limit
    }
}
