/// A view as it is persisted: its name, the column names given in `CREATE VIEW name (cols)`
/// (empty when none were given) and its query as SQL text (the engine's printed form).
public struct StoredView: Sendable, Hashable, Codable {
    public var name: String
    public var columns: [String]
    public var sql: String

    public init(name: String, columns: [String] = [], sql: String) {
        self.name = name
        self.columns = columns
        self.sql = sql
    }
}
