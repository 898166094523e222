import CMongoC
import PoolSQLCore

/// Process-wide libmongoc setup and the small C-interop helpers the pool needs.
///
/// This file is the only place that knows how libmongoc wants to be initialised; everything else
/// calls `LibMongoC.ensureInitialized()` before touching the C API.
enum LibMongoC {
    /// `mongoc_init()` must run once per process before any other libmongoc call. A global `let`
    /// is initialised lazily and exactly once (Swift guarantees thread-safe global initialisation).
    /// libmongoc's default log handler prints to stderr, and some of its warnings quote URI text;
    /// we silence it so nothing the driver logs can leak credentials or clutter the REPL. Every
    /// failure the pool cares about reaches us through a `bson_error_t` instead.
    private static let initialization: Void = {
        mongoc_init()
        mongoc_log_set_handler({ _, _, _, _ in }, nil)
    }()

    static func ensureInitialized() {
        _ = initialization
    }

    /// The version of the libmongoc the process is linked against, e.g. `1.23.1`.
    static var version: String {
        ensureInitialized()
        return String(cString: mongoc_get_version())
    }
}

/// A `bson_error_t` turned into Swift values.
struct DriverError: Sendable {
    var domain: UInt32
    var code: UInt32
    var message: String

    init(_ error: bson_error_t) {
        domain = error.domain
        code = error.code
        var copy = error
        message = withUnsafeBytes(of: &copy.message) { raw in
            let bytes = raw.prefix(while: { $0 != 0 })
            return String(decoding: bytes, as: UTF8.self)
        }
    }

    init(domain: UInt32, code: UInt32, message: String) {
        self.domain = domain
        self.code = code
        self.message = message
    }

    /// The connection this error happened on can no longer be trusted: the socket failed, the
    /// server could not be selected, or the wire protocol broke. CMAP says such a connection must
    /// be closed, not returned to the pool.
    var isNetworkError: Bool {
        domain == MONGOC_ERROR_STREAM.rawValue || domain == MONGOC_ERROR_SERVER_SELECTION.rawValue
            || domain == MONGOC_ERROR_PROTOCOL.rawValue
    }

    /// A network error that is a timeout (socketTimeoutMS or connectTimeoutMS passed) rather than
    /// a reset or closed connection. SDAM treats the two differently: a timeout on an established
    /// connection does not clear the pool.
    var isTimeout: Bool {
        isNetworkError && (message.contains("timed out") || message.contains("within"))
    }

    var isAuthenticationError: Bool {
        domain == MONGOC_ERROR_CLIENT.rawValue && code == MONGOC_ERROR_CLIENT_AUTHENTICATE.rawValue
    }

    /// A command the server rejected (error API v2 reports these in the SERVER domain; older code
    /// paths use QUERY/COMMAND/WRITE_CONCERN).
    var isServerError: Bool {
        domain == MONGOC_ERROR_SERVER.rawValue || domain == MONGOC_ERROR_QUERY.rawValue
            || domain == MONGOC_ERROR_COMMAND.rawValue || domain == MONGOC_ERROR_WRITE_CONCERN.rawValue
    }
}

/// Helpers for `bson_t`, which Swift imports as an opaque pointer (its 128-byte alignment cannot
/// be expressed in Swift), so it can never live on the Swift stack.
enum BSONDocument {
    /// libmongoc reply parameters are "uninitialised `bson_t` storage": the callee runs
    /// `bson_init` on it. Passing a `bson_new()` document would leak its heap header, so we hand
    /// over raw storage of the right size and alignment and release it ourselves afterwards.
    static func withReplyStorage<T>(_ body: (OpaquePointer) throws -> T) rethrows -> T {
        let storage = UnsafeMutableRawPointer.allocate(byteCount: 128, alignment: 128)
        let reply = OpaquePointer(storage)
        // Initialised up front so the `bson_destroy` below is safe even on a path where the callee
        // returns without touching the reply; an inline, static `bson_t` owns no heap memory, so
        // the callee re-initialising it leaks nothing.
        bson_init(reply)
        defer {
            bson_destroy(reply)
            storage.deallocate()
        }
        return try body(reply)
    }

    /// Parses (relaxed or canonical) extended JSON into a new document the caller must
    /// `bson_destroy`. A malformed text is a 22P02 error carrying libbson's message.
    static func fromJSON(_ json: String) throws -> OpaquePointer {
        LibMongoC.ensureInitialized()
        var error = bson_error_t()
        let document: OpaquePointer? = json.withCString { text in
            text.withMemoryRebound(to: UInt8.self, capacity: json.utf8.count) { bytes in
                bson_new_from_json(bytes, json.utf8.count, &error)
            }
        }
        guard let document else {
            throw PoolSQLError(.invalidTextRepresentation, "invalid MongoDB command document: \(DriverError(error).message)")
        }
        return document
    }

    /// The document as relaxed extended JSON (`{ "ok" : 1.0 }`).
    static func relaxedJSON(_ document: OpaquePointer) -> String {
        var length = 0
        guard let text = bson_as_relaxed_extended_json(document, &length) else { return "{ }" }
        defer { bson_free(text) }
        return String(cString: text)
    }
}
