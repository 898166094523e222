import PoolSQLCore

/// One named entry of a namespace ("views", "settings").
public struct MetadataEntry: Sendable, Hashable {
    public var key: String
    public var value: String

    public init(key: String, value: String) {
        self.key = key
        self.value = value
    }
}

/// Small durable key/value namespaces beside the history: stored views (JSON per view, in
/// creation order) and settings persisted with `SET … PERSIST`.
public protocol MetadataStore: Sendable {
    /// Entries of `namespace` in the order they were first written.
    func entries(namespace: String) throws(PoolSQLError) -> [MetadataEntry]
    /// Replaces the whole namespace in one transaction (order kept).
    func replaceEntries(namespace: String, with entries: [MetadataEntry]) throws(PoolSQLError)
    /// Sets one entry; `nil` deletes it.
    func setEntry(namespace: String, key: String, value: String?) throws(PoolSQLError)
}
