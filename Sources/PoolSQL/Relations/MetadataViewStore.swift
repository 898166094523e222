import Foundation
import PoolSQLCore

/// Views kept in the engine's store (the embedded SQLite database of the data directory), one
/// JSON entry per view in creation order, replaced in one transaction on every change.
///
/// A data directory written by an older PoolSQL has `views.json` instead: on the first load
/// with no views in the store, its views are imported and the file is renamed to
/// `views.json.imported`, so they are not imported twice and the old file stays readable.
public struct MetadataViewStore: ViewStore {
    public static let namespace = "views"

    let store: any MetadataStore
    /// The directory that may hold a legacy `views.json`.
    let legacyDirectory: String?
    /// The store's file (or URI) for error messages; `nil` for a memory store.
    public var location: String? {
        guard let metrics = store as? any MetricsStore, metrics.kind != "memory" else { return nil }
        return metrics.location
    }

    public init(store: any MetadataStore, legacyDirectory: String? = nil) {
        self.store = store
        self.legacyDirectory = legacyDirectory
    }

    public func loadViews() throws(PoolSQLError) -> [StoredView] {
        let entries = try store.entries(namespace: Self.namespace)
        if entries.isEmpty, let legacyDirectory {
            let legacy = JSONFileViewStore(directory: legacyDirectory)
            let views = try legacy.loadViews()
            if !views.isEmpty {
                try saveViews(views)
                do {
                    try FileManager.default.moveItem(atPath: legacy.path, toPath: legacy.path + ".imported")
                } catch {
                    throw PoolSQLError(.ioError, "views were imported from \"\(legacy.path)\" but the file could not be renamed: \(error.localizedDescription)",
                                       hint: "Remove or rename the file by hand; the views are already in the store.")
                }
            }
            return views
        }
        let decoder = JSONDecoder()
        var views: [StoredView] = []
        for entry in entries {
            do {
                views.append(try decoder.decode(StoredView.self, from: Data(entry.value.utf8)))
            } catch {
                throw PoolSQLError(.dataCorrupted, "stored view \"\(entry.key)\"\(location.map { " in \"\($0)\"" } ?? "") cannot be read: \(error.localizedDescription)")
            }
        }
        return views
    }

    public func saveViews(_ views: [StoredView]) throws(PoolSQLError) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        var entries: [MetadataEntry] = []
        for view in views {
            guard let data = try? encoder.encode(view), let text = String(data: data, encoding: .utf8) else {
                throw PoolSQLError(.internalError, "view \"\(view.name)\" could not be encoded")
            }
            entries.append(MetadataEntry(key: view.name, value: text))
        }
        try store.replaceEntries(namespace: Self.namespace, with: entries)
    }
}
