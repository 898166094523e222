import CMongoC
import PoolSQLCore

/// libmongoc's own thread-safe client pool (`mongoc_client_pool_t`), used exactly as a C program
/// would use it: the reference the PoolSQL pool is measured against.
///
/// `@unchecked Sendable`: `mongoc_client_pool_t` is documented thread-safe; the clients it hands
/// out are used only by the thread that popped them.
final class RawMongocPool: @unchecked Sendable {
    private let pool: OpaquePointer

    init(uri text: String, maxPoolSize: Int32) throws {
        mongoc_init()
        var error = bson_error_t()
        guard let uri = mongoc_uri_new_with_error(text, &error) else {
            throw PoolSQLError(.invalidParameterValue, "libmongoc rejected the URI: \(RawMongocPool.message(error))")
        }
        defer { mongoc_uri_destroy(uri) }
        mongoc_uri_set_option_as_int32(uri, MONGOC_URI_MAXPOOLSIZE, maxPoolSize)
        guard let pool = mongoc_client_pool_new_with_error(uri, &error) else {
            throw PoolSQLError(.invalidParameterValue, "libmongoc could not create a client pool: \(RawMongocPool.message(error))")
        }
        mongoc_client_pool_set_error_api(pool, MONGOC_ERROR_API_VERSION_2)
        self.pool = pool
    }

    deinit {
        mongoc_client_pool_destroy(pool)
    }

    /// Blocks until a client is free (libmongoc's pop waits without a timeout by default, and
    /// returns NULL only when its wait fails).
    @inline(__always)
    func pop() throws -> OpaquePointer {
        guard let client = mongoc_client_pool_pop(pool) else {
            throw PoolSQLError(.connectionException, "mongoc_client_pool_pop returned no client")
        }
        return client
    }

    @inline(__always)
    func push(_ client: OpaquePointer) {
        mongoc_client_pool_push(pool, client)
    }

    /// Pops a client, runs {ping: 1} on admin, pushes the client back, the way a C program would
    /// (the command document is built per call, the reply lives in caller-owned storage).
    func ping(reply: ReplyBuffer) throws {
        let client = try pop()
        defer { push(client) }
        let command = bson_new()
        defer { bson_destroy(command) }
        bson_append_int32(command, "ping", 4, 1)
        var error = bson_error_t()
        let ok = mongoc_client_command_simple(client, "admin", command, nil, reply.document, &error)
        bson_destroy(reply.document)
        guard ok else {
            throw PoolSQLError(.connectionFailure, "libmongoc ping failed: \(RawMongocPool.message(error))")
        }
    }

    static func message(_ error: bson_error_t) -> String {
        var copy = error
        return withUnsafeBytes(of: &copy.message) { raw in
            String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
    }

    /// Storage for one reply `bson_t` (libbson's 128-byte, 128-aligned struct, which Swift sees
    /// as an opaque pointer), reused by one thread for all its commands. Like a C program's
    /// `bson_t reply;` on the stack it is raw storage: `mongoc_client_command_simple` always
    /// initialises the reply, and `ping` destroys it after each command.
    final class ReplyBuffer {
        let document: OpaquePointer
        private let storage: UnsafeMutableRawPointer

        init() {
            storage = UnsafeMutableRawPointer.allocate(byteCount: 128, alignment: 128)
            document = OpaquePointer(storage)
        }

        deinit {
            storage.deallocate()
        }
    }
}
