import PoolSQLCore

/// Views and persisted settings: `metadata (namespace, key, value, position)`, entries in the
/// order they were first written.
extension SQLiteStore {
    public func entries(namespace: String) throws(PoolSQLError) -> [MetadataEntry] {
        try withConnection { (connection, _) throws(PoolSQLError) -> [MetadataEntry] in
            let select = try connection.prepare("SELECT key, value FROM metadata WHERE namespace = ? ORDER BY position")
            defer { select.reset() }
            select.bind(namespace)
            var entries: [MetadataEntry] = []
            while try select.step() { entries.append(MetadataEntry(key: select.text(0), value: select.text(1))) }
            return entries
        }
    }

    /// One transaction. A key listed twice keeps its first position and its last value.
    public func replaceEntries(namespace: String, with entries: [MetadataEntry]) throws(PoolSQLError) {
        try withConnection { (connection, _) throws(PoolSQLError) in
            try connection.transaction { () throws(PoolSQLError) in
                let delete = try connection.prepare("DELETE FROM metadata WHERE namespace = ?")
                delete.bind(namespace)
                try delete.run()
                let insert = try connection.prepare("""
                    INSERT INTO metadata (namespace, key, value, position) VALUES (?, ?, ?, ?)
                    ON CONFLICT (namespace, key) DO UPDATE SET value = excluded.value
                    """)
                for (position, entry) in entries.enumerated() {
                    insert.reset()
                    insert.bind(namespace)
                    insert.bind(entry.key)
                    insert.bind(entry.value)
                    insert.bind(position)
                    try insert.run()
                }
            }
        }
    }

    /// A new key goes after the namespace's last entry; an existing one keeps its position.
    public func setEntry(namespace: String, key: String, value: String?) throws(PoolSQLError) {
        try withConnection { (connection, _) throws(PoolSQLError) in
            if let value {
                let upsert = try connection.prepare("""
                    INSERT INTO metadata (namespace, key, value, position)
                    VALUES (?, ?, ?, (SELECT coalesce(max(position), -1) + 1 FROM metadata WHERE namespace = ?))
                    ON CONFLICT (namespace, key) DO UPDATE SET value = excluded.value
                    """)
                upsert.bind(namespace)
                upsert.bind(key)
                upsert.bind(value)
                upsert.bind(namespace)
                try upsert.run()
            } else {
                let delete = try connection.prepare("DELETE FROM metadata WHERE namespace = ? AND key = ?")
                delete.bind(namespace)
                delete.bind(key)
                try delete.run()
            }
        }
    }
}
