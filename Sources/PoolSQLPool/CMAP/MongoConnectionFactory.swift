import CMongoC
import Foundation
import PoolSQLCore

/// Opens `MongoDirectConnection`s for a `ConnectionPool`: the user's URI with its hosts
/// replaced by the pool's server, `directConnection=true`, and the pool's effective options
/// written over it; the handshake (hello with appName, then authentication) runs before
/// `establish` returns.
public struct MongoConnectionFactory: ConnectionFactory {
    public let uri: MongoURI
    public let poolName: String

    public init(uri: MongoURI, poolName: String) {
        self.uri = uri
        self.poolName = poolName
    }

    public func establish(_ request: ConnectionRequest) throws -> any EstablishedConnection {
        try open(request)
    }

    /// `establish` with the concrete type (tests and tools run commands on it directly).
    public func open(_ request: ConnectionRequest) throws -> MongoDirectConnection {
        LibMongoC.ensureInitialized()
        let clientURI = try makeClientURI(address: request.address, options: request.options)
        defer { mongoc_uri_destroy(clientURI) }
        var error = bson_error_t()
        guard let client = mongoc_client_new_from_uri_with_error(clientURI, &error) else {
            throw PoolSQLError.driver(DriverError(error), uri: uri, pool: poolName, establishing: true)
        }
        // Error API v2 reports server-side command failures in their own domain.
        mongoc_client_set_error_api(client, MONGOC_ERROR_API_VERSION_2)
        // Server selection on a fresh single-threaded client is its blocking scan: TCP connect,
        // hello (carrying appName), authentication. The scanned socket becomes the one commands
        // use, so this is the handshake of the connection itself.
        guard let description = mongoc_client_select_server(client, false, nil, &error) else {
            let failure = DriverError(error)
            mongoc_client_destroy(client)
            throw PoolSQLError.driver(failure, uri: uri, pool: poolName, establishing: true)
        }
        let hello = MongoConnectionFactory.helloFields(mongoc_server_description_hello_response(description))
        let serverType = String(cString: mongoc_server_description_type(description))
        mongoc_server_description_destroy(description)
        // A direct connection's topology is Single, and libmongoc then "selects" its server even
        // when the handshake failed (type Unknown, the hello reply holding the error).
        guard serverType != "Unknown" else {
            mongoc_client_destroy(client)
            let reason = hello.errorMessage.map { "its hello failed: \($0)\(hello.errorCode.map { " (code \($0))" } ?? "")" }
                ?? "it did not answer the handshake"
            throw PoolSQLError(.sqlClientUnableToEstablishConnection,
                               "pool \"\(poolName)\" could not connect to \(request.address): \(uri.scrub(reason))")
        }
        // Server selection does not authenticate; CMAP counts authentication as part of
        // establishing, so a wrong password fails the checkout, not the first operation.
        if mongoc_uri_get_username(clientURI) != nil {
            let ping = try BSONDocument.fromJSON(#"{"ping": 1}"#)
            defer { bson_destroy(ping) }
            let authenticated = BSONDocument.withReplyStorage { reply in
                mongoc_client_command_simple(client, "admin", ping, nil, reply, &error)
            }
            if !authenticated {
                let failure = DriverError(error)
                mongoc_client_destroy(client)
                throw PoolSQLError.driver(failure, uri: uri, pool: poolName, establishing: true)
            }
        }
        let serverConnectionID = hello.connectionID
        return MongoDirectConnection(client: client, serverConnectionID: serverConnectionID, poolName: poolName, uri: uri)
    }

    /// What the pool needs from a hello reply (`bson_iter_t` cannot live on the Swift stack,
    /// so the small reply is read through its relaxed JSON form).
    static func helloFields(_ reply: OpaquePointer?) -> (connectionID: Int?, errorMessage: String?, errorCode: Int?) {
        guard let reply,
              let object = try? JSONSerialization.jsonObject(with: Data(BSONDocument.relaxedJSON(reply).utf8)) as? [String: Any]
        else { return (nil, nil, nil) }
        return ((object["connectionId"] as? NSNumber)?.intValue, object["errmsg"] as? String, (object["code"] as? NSNumber)?.intValue)
    }

    /// The user's URI text with the host list replaced by `address` (a `mongodb+srv://` URI
    /// becomes `mongodb://`: the server was already resolved), then the options applied.
    func makeClientURI(address: ServerAddress, options: PoolOptions) throws -> OpaquePointer {
        let parts = URIRedaction.Parts(uri.text)
        var text = "mongodb://"
        if let username = parts.username {
            text += username
            if let password = parts.password { text += ":" + password }
            text += "@"
        }
        text += address.description
        let isSRV = parts.scheme.lowercased().hasPrefix("mongodb+srv")
        if let tail = parts.rest.firstIndex(where: { $0 == "/" || $0 == "?" }) {
            var rest = String(parts.rest[tail...])
            if isSRV, let question = rest.firstIndex(of: "?") {
                // SRV-only options are errors in a mongodb:// URI.
                let kept = rest[rest.index(after: question)...].split(separator: "&").filter { pair in
                    let key = pair.split(separator: "=", maxSplits: 1).first.map { $0.lowercased() } ?? ""
                    return key != "srvservicename" && key != "srvmaxhosts"
                }
                rest = String(rest[..<question]) + (kept.isEmpty ? "" : "?" + kept.joined(separator: "&"))
            }
            text += rest
        } else {
            text += "/"
        }
        var error = bson_error_t()
        guard let clientURI = mongoc_uri_new_with_error(text, &error) else {
            throw PoolSQLError(.invalidParameterValue, "invalid MongoDB URI: \(uri.scrub(DriverError(error).message))")
        }
        var ok = true
        ok = ok && mongoc_uri_set_option_as_bool(clientURI, MONGOC_URI_DIRECTCONNECTION, true)
        ok = ok && mongoc_uri_set_option_as_int32(clientURI, MONGOC_URI_CONNECTTIMEOUTMS, Int32(clamping: options.connectTimeoutMS))
        ok = ok && mongoc_uri_set_option_as_int32(clientURI, MONGOC_URI_SOCKETTIMEOUTMS, Int32(clamping: options.socketTimeoutMS))
        // One scan attempt, bounded by the connect timeout: a dead server fails the
        // establishment quickly instead of retrying for serverSelectionTimeoutMS.
        ok = ok && mongoc_uri_set_option_as_bool(clientURI, MONGOC_URI_SERVERSELECTIONTRYONCE, true)
        ok = ok && mongoc_uri_set_option_as_int32(clientURI, MONGOC_URI_SERVERSELECTIONTIMEOUTMS,
                                                  Int32(clamping: min(options.serverSelectionTimeoutMS, options.connectTimeoutMS)))
        ok = ok && mongoc_uri_set_option_as_int32(clientURI, MONGOC_URI_HEARTBEATFREQUENCYMS, Int32(clamping: options.heartbeatFrequencyMS))
        ok = ok && mongoc_uri_set_option_as_bool(clientURI, MONGOC_URI_RETRYWRITES, options.retryWrites)
        ok = ok && mongoc_uri_set_option_as_bool(clientURI, MONGOC_URI_RETRYREADS, options.retryReads)
        if let appName = options.appName { ok = ok && mongoc_uri_set_appname(clientURI, appName) }
        if let compressors = options.compressors { ok = ok && mongoc_uri_set_compressors(clientURI, compressors) }
        // mongodb+srv implies TLS unless the URI turns it off.
        let uriSetsTLS = uri.options["tls"] != nil || uri.options["ssl"] != nil
        ok = ok && mongoc_uri_set_option_as_bool(clientURI, MONGOC_URI_TLS, options.tls || (isSRV && !uriSetsTLS))
        if let file = options.tlsCAFile { ok = ok && mongoc_uri_set_option_as_utf8(clientURI, MONGOC_URI_TLSCAFILE, file) }
        if let file = options.tlsCertificateKeyFile {
            ok = ok && mongoc_uri_set_option_as_utf8(clientURI, MONGOC_URI_TLSCERTIFICATEKEYFILE, file)
        }
        if options.tlsAllowInvalidCertificates {
            ok = ok && mongoc_uri_set_option_as_bool(clientURI, MONGOC_URI_TLSALLOWINVALIDCERTIFICATES, true)
        }
        if options.tlsAllowInvalidHostnames {
            ok = ok && mongoc_uri_set_option_as_bool(clientURI, MONGOC_URI_TLSALLOWINVALIDHOSTNAMES, true)
        }
        applyReadPreference(options.readPreference, to: clientURI)
        if let level = options.readConcernLevel {
            let concern = mongoc_read_concern_new()
            mongoc_read_concern_set_level(concern, level)
            mongoc_uri_set_read_concern(clientURI, concern)
            mongoc_read_concern_destroy(concern)
        }
        if options.writeConcernW != nil || options.journal != nil {
            let concern = mongoc_write_concern_copy(mongoc_uri_get_write_concern(clientURI)) ?? mongoc_write_concern_new()
            if let w = options.writeConcernW {
                if let number = Int32(w) {
                    mongoc_write_concern_set_w(concern, number)
                } else if w == "majority" {
                    mongoc_write_concern_set_wmajority(concern, 0)
                } else {
                    mongoc_write_concern_set_wtag(concern, w)
                }
            }
            if let journal = options.journal { mongoc_write_concern_set_journal(concern, journal) }
            mongoc_uri_set_write_concern(clientURI, concern)
            mongoc_write_concern_destroy(concern)
        }
        guard ok else {
            mongoc_uri_destroy(clientURI)
            throw PoolSQLError(.invalidParameterValue, "libmongoc rejected the options of pool \"\(poolName)\"",
                               detail: "check appName (at most 128 bytes), compressors, TLS files and the timeout values")
        }
        return clientURI
    }

    /// Keeps the URI's own read preference (tags, max staleness) when the mode is the same.
    private func applyReadPreference(_ name: String, to clientURI: OpaquePointer) {
        let mode: mongoc_read_mode_t
        switch PoolOptions.canonicalReadPreference(name) {
        case "primaryPreferred": mode = MONGOC_READ_PRIMARY_PREFERRED
        case "secondary": mode = MONGOC_READ_SECONDARY
        case "secondaryPreferred": mode = MONGOC_READ_SECONDARY_PREFERRED
        case "nearest": mode = MONGOC_READ_NEAREST
        default: mode = MONGOC_READ_PRIMARY
        }
        if mongoc_read_prefs_get_mode(mongoc_uri_get_read_prefs_t(clientURI)) != mode {
            let prefs = mongoc_read_prefs_new(mode)
            mongoc_uri_set_read_prefs_t(clientURI, prefs)
            mongoc_read_prefs_destroy(prefs)
        }
    }
}
