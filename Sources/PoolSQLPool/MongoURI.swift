import CMongoC
import PoolSQLCore

/// A MongoDB connection string that libmongoc accepted.
///
/// The original text (which may hold a password) stays private: `description`, `debugDescription`
/// and reflection (`dump`, `Mirror`) all show `redacted`, so printing a `MongoURI` anywhere is safe.
public struct MongoURI: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// The text as given; only ever handed to libmongoc.
    let text: String

    /// The seed hosts as `host:port` (IPv6 hosts in brackets), in URI order. Empty for
    /// `mongodb+srv://` URIs, whose hosts come from DNS when a client connects; see `srvHost`.
    public let hosts: [String]
    /// The DNS name of a `mongodb+srv://` URI.
    public let srvHost: String?
    /// The user name, if the URI has credentials. The password is never exposed.
    public let username: String?
    /// Whether the URI carries a password (its value is never exposed).
    public let hasPassword: Bool
    /// The database in the path (`mongodb://h/db`), if any.
    public let database: String?
    /// Every option in the query string, keyed by lower-cased name, values percent-decoded as
    /// written (`maxpoolsize` → `"5"`). Includes options libmongoc does not know itself, such as
    /// `maxconnecting`, so the façade can apply them. Secret-bearing options
    /// (`tlscertificatekeyfilepassword`, `authmechanismproperties`, …) show `****`.
    public let options: [String: String]
    /// The URI with the password (and secret option values) replaced by `****`:
    /// `mongodb://user:****@host/…`.
    public let redacted: String

    /// Parses and validates `text` with libmongoc. A URI libmongoc rejects is a 22023 error with
    /// libmongoc's message; credentials never appear in the error.
    public init(_ text: String) throws {
        LibMongoC.ensureInitialized()
        let parts = URIRedaction.Parts(text)
        var error = bson_error_t()
        guard let uri = mongoc_uri_new_with_error(text, &error) else {
            let message = parts.scrub(DriverError(error).message)
            throw PoolSQLError(
                .invalidParameterValue, "invalid MongoDB URI: \(message)",
                detail: "URI: \(parts.redacted)",
                hint: "expected mongodb://[user:password@]host[:port][,host…][/database][?option=value&…]")
        }
        defer { mongoc_uri_destroy(uri) }

        self.text = text
        var hosts: [String] = []
        var node = mongoc_uri_get_hosts(uri)
        while let host = node {
            var copy = host.pointee.host_and_port
            hosts.append(withUnsafeBytes(of: &copy) { String(decoding: $0.prefix(while: { $0 != 0 }), as: UTF8.self) })
            node = UnsafePointer(host.pointee.next)
        }
        self.hosts = hosts
        srvHost = mongoc_uri_get_srv_hostname(uri).map { String(cString: $0) }
        username = mongoc_uri_get_username(uri).map { String(cString: $0) }
        let password = mongoc_uri_get_password(uri).map { String(cString: $0) }
        hasPassword = password != nil
        database = mongoc_uri_get_database(uri).map { String(cString: $0) }
        options = parts.queryOptions
        var redacted = parts.redacted
        // Belt and braces: whatever the hand-written splitter made of an odd URI, the password
        // libmongoc decoded must not survive in the redacted text.
        if let password, !password.isEmpty {
            redacted = redacted.replacingAll(password, with: URIRedaction.mask)
            redacted = redacted.replacingAll(URIRedaction.percentEncoded(password), with: URIRedaction.mask)
        }
        self.redacted = redacted
    }

    public var description: String { redacted }
    public var debugDescription: String { "MongoURI(\(redacted))" }
    public var customMirror: Mirror {
        Mirror(self, children: ["redacted": redacted], displayStyle: .struct)
    }

    /// Removes the password and secret option values of this URI from a message (for errors that
    /// quote driver text).
    func scrub(_ message: String) -> String {
        URIRedaction.Parts(text).scrub(message)
    }
}
