import PoolSQLCore
import PoolSQLCatalog

/// A scan of one table, with what the optimizer pushed into it.
public struct TableScan: Sendable {
    public var tableName: String
    /// The alias or table name that qualifies its columns.
    public var qualifier: String
    public var provider: any TableProvider
    /// Schema positions of the columns produced, in order; nil means all columns.
    public var projection: [Int]?
    /// Filters sent to the table (exact or inexact ones).
    public var filters: [PushedFilter]
    public var limit: Int?

    public init(tableName: String, qualifier: String, provider: any TableProvider, projection: [Int]? = nil,
                filters: [PushedFilter] = [], limit: Int? = nil) {
        self.tableName = tableName
        self.qualifier = qualifier
        self.provider = provider
        self.projection = projection
        self.filters = filters
        self.limit = limit
    }

    public var schema: TableSchema { provider.schema }

    /// The schema positions this scan outputs.
    public var outputIndices: [Int] { projection ?? Array(schema.columns.indices) }

    public var columns: [PlanColumn] {
        outputIndices.map { i in
            let c = schema.columns[i]
            return PlanColumn(name: c.name, type: c.type, qualifier: qualifier, ordinal: i)
        }
    }

    public var request: ScanRequest {
        ScanRequest(projection: projection, filters: filters.map(\.filter), limit: limit)
    }
}
