@testable import PoolSQL
import PoolSQLCore
import Testing

/// The settings for the CMAP issue: read/write concern, retries, compressors, TLS and the event
/// buffer; the `applies` column and the notices that say a change reaches only new connections.
/// Pools here point at a closed port: options are resolved and handed to the pool without a server.
@Suite struct PoolSettingsCMAPTests {
    typealias Support = PoolTableTestSupport
    static let nowhere = "mongodb://127.0.0.1:1/"

    @Test func newSettingsAreListedWithTypeDefaultOptionNamesAndApplies() throws {
        let session = try Engine().makeSession()
        let rows = try Support.rows(session, """
            SELECT name, type, default_value, pool_option, uri_option, applies FROM connection_pool_settings
            WHERE pool_name IS NULL ORDER BY name
            """)
        let byName = Dictionary(uniqueKeysWithValues: rows.map { ($0["name"]?.description ?? "", $0) })
        let expected: [(String, String, String, String?, String?, String)] = [
            ("connection_pool_event_buffer_size", "integer", "1000", nil, nil, "live"),
            ("connection_pool_read_concern_level", "enum", "", "read_concern_level", "readconcernlevel", "new connections"),
            ("connection_pool_write_concern", "string", "", "write_concern", "w", "new connections"),
            ("connection_pool_journal", "bool", "", "journal", "journal", "new connections"),
            ("connection_pool_retry_writes", "bool", "on", "retry_writes", "retrywrites", "new connections"),
            ("connection_pool_retry_reads", "bool", "on", "retry_reads", "retryreads", "new connections"),
            ("connection_pool_compressors", "string", "", "compressors", "compressors", "new connections"),
            ("connection_pool_tls", "bool", "off", "tls", "tls", "new connections"),
            ("connection_pool_tls_ca_file", "string", "", "tls_ca_file", "tlscafile", "new connections"),
            ("connection_pool_tls_certificate_key_file", "string", "", "tls_certificate_key_file", "tlscertificatekeyfile", "new connections"),
            ("connection_pool_tls_allow_invalid_certificates", "bool", "off", "tls_allow_invalid_certificates", "tlsallowinvalidcertificates", "new connections"),
            ("connection_pool_tls_allow_invalid_hostnames", "bool", "off", "tls_allow_invalid_hostnames", "tlsallowinvalidhostnames", "new connections"),
        ]
        for (name, type, defaultValue, poolOption, uriOption, applies) in expected {
            let row = try #require(byName[name], "missing \(name)")
            #expect(row["type"] == .text(type), "\(name)")
            #expect(row["default_value"] == .text(defaultValue), "\(name)")
            #expect(row["pool_option"] == (poolOption.map(Value.text) ?? .null), "\(name)")
            #expect(row["uri_option"] == (uriOption.map(Value.text) ?? .null), "\(name)")
            #expect(row["applies"] == .text(applies), "\(name)")
        }
    }

    @Test func appliesSaysWhichSettingsReachOpenConnections() throws {
        let session = try Engine().makeSession()
        let live = ["connection_pool_min_size", "connection_pool_max_size", "connection_pool_idle_timeout",
                    "connection_pool_wait_queue_timeout", "connection_pool_max_connecting", "connection_pool_health_check_interval",
                    "connection_pool_event_buffer_size"]
        let newConnections = ["connection_pool_connect_timeout", "connection_pool_socket_timeout", "connection_pool_server_selection_timeout",
                              "connection_pool_heartbeat_frequency", "connection_pool_app_name", "connection_pool_read_preference",
                              "connection_pool_read_concern_level", "connection_pool_write_concern", "connection_pool_journal",
                              "connection_pool_retry_writes", "connection_pool_retry_reads", "connection_pool_compressors",
                              "connection_pool_tls", "connection_pool_tls_ca_file", "connection_pool_tls_certificate_key_file",
                              "connection_pool_tls_allow_invalid_certificates", "connection_pool_tls_allow_invalid_hostnames"]
        let rows = try Support.rows(session, "SELECT name, applies FROM connection_pool_settings WHERE pool_name IS NULL")
        let applies = Dictionary(uniqueKeysWithValues: rows.map { ($0["name"]?.description ?? "", $0["applies"] ?? .null) })
        for name in live { #expect(applies[name] == .text("live"), "\(name)") }
        for name in newConnections { #expect(applies[name] == .text("new connections"), "\(name)") }
        #expect(applies.count == SettingsRegistry.definitions.count)

        let show = try session.execute("SHOW connection_pool_connect_timeout")[0]
        #expect(show.rows == [[.text("10s")]])
        #expect(show.notices.count == 1)
        #expect(show.notices.first?.contains("applies to new connections") == true)
        #expect(try session.execute("SHOW connection_pool_max_size")[0].notices.isEmpty)
        #expect(try session.execute("SHOW ALL")[0].rows.allSatisfy { $0[2] == .text("live") || $0[2] == .text("new connections") })
    }

    @Test func setAndAlterOfANewConnectionSettingSayItOnlyWithOpenPools() throws {
        let engine = try Engine()
        defer { engine.shutdown() }
        let session = engine.makeSession()
        #expect(try session.execute("SET connection_pool_retry_writes = off")[0].notices.isEmpty)
        _ = try session.execute("CREATE POOL p URI '\(Self.nowhere)' WITH (server_selection_timeout_ms = 200)")
        let set = try session.execute("SET connection_pool_compressors = 'zstd'")[0]
        #expect(set.notices == ["connection_pool_compressors applies to new connections: open pools start a new generation, and their connections are replaced as they become idle or are returned"])
        #expect(try session.execute("SET connection_pool_max_size = 20")[0].notices.isEmpty)
        let alter = try session.execute("ALTER POOL p SET read_concern_level = majority, max_pool_size = 10")[0]
        #expect(alter.notices.count == 1)
        #expect(alter.notices.first?.hasPrefix("connection_pool_read_concern_level applies") == true)
    }

    @Test func createPoolTakesTheNewOptions() throws {
        let engine = try Engine()
        defer { engine.shutdown() }
        let session = engine.makeSession()
        _ = try session.execute("""
            CREATE POOL p URI '\(Self.nowhere)' WITH (
                read_concern_level = 'majority', write_concern = majority, journal = true, retry_writes = false,
                retry_reads = off, compressors = 'ZSTD, zlib', tls_allow_invalid_hostnames = true,
                tls_ca_file = '/etc/ssl/ca.pem', server_selection_timeout_ms = 200)
            """)
        let options = try engine.pool(named: "p").options
        #expect(options.readConcernLevel == "majority")
        #expect(options.writeConcernW == "majority")
        #expect(options.journal == true)
        #expect(options.retryWrites == false)
        #expect(options.retryReads == false)
        #expect(options.compressors == "zstd,zlib")
        #expect(options.tlsAllowInvalidHostnames == true)
        #expect(options.tlsAllowInvalidCertificates == false)
        #expect(options.tlsCAFile == "/etc/ssl/ca.pem")
        #expect(options.tls == false)

        // '' puts an optional value back to the server's default.
        _ = try session.execute("ALTER POOL p SET journal = '', write_concern = '', read_concern_level = ''")
        let cleared = try engine.pool(named: "p").options
        #expect(cleared.journal == nil && cleared.writeConcernW == nil && cleared.readConcernLevel == nil)
    }

    @Test func perPoolOptionBeatsURIBeatsSetBeatsDefault() throws {
        let engine = try Engine()
        defer { engine.shutdown() }
        let session = engine.makeSession()
        _ = try session.execute("""
            CREATE POOL a URI '\(Self.nowhere)?readConcernLevel=available&w=2' WITH (server_selection_timeout_ms = 200);
            CREATE POOL b URI '\(Self.nowhere)?readConcernLevel=available' WITH (read_concern_level = 'majority', server_selection_timeout_ms = 200);
            CREATE POOL c URI '\(Self.nowhere)' WITH (server_selection_timeout_ms = 200);
            """)
        #expect(try engine.pool(named: "c").options.readConcernLevel == nil)
        _ = try session.execute("SET connection_pool_read_concern_level = local")
        #expect(try engine.pool(named: "a").options.readConcernLevel == "available")
        #expect(try engine.pool(named: "a").options.writeConcernW == "2")
        #expect(try engine.pool(named: "b").options.readConcernLevel == "majority")
        #expect(try engine.pool(named: "c").options.readConcernLevel == "local")

        let sources = try session.execute("""
            SELECT pool_name, setting, source FROM connection_pool_settings
            WHERE name = 'connection_pool_read_concern_level' ORDER BY pool_name NULLS FIRST
            """)[0].rows
        #expect(sources == [[.null, .text("local"), .text("SET")], [.text("a"), .text("available"), .text("uri")],
                            [.text("b"), .text("majority"), .text("pool override")]])
    }

    @Test func uriAliasesSetTheSameSettings() throws {
        let settings = SettingsRegistry()
        let configuration = PoolConfiguration(name: "p", uri: try MongoURI("mongodb://h/?ssl=true&tlsInsecure=true"),
                                              environment: nil, enabled: true, overrides: [:], createdAt: .now())
        let options = try configuration.effectiveOptions(settings: settings)
        #expect(options.tls)
        #expect(options.tlsAllowInvalidCertificates && options.tlsAllowInvalidHostnames)
        let tls = try SettingsRegistry.definition(named: "connection_pool_tls")
        #expect(configuration.effective(tls, settings: settings).source == .uri)
    }

    @Test(arguments: [
        ("SET connection_pool_read_concern_level = 'eventual'", "linearizable"),
        ("SET connection_pool_compressors = 'zstd,lz4'", "lz4"),
        ("SET connection_pool_compressors = 'zstdd'", "did you mean \"zstd\"?"),
        ("SET connection_pool_write_concern = '-1'", "majority"),
        ("SET connection_pool_journal = 'maybe'", "on or off"),
        ("SET connection_pool_tls = 'sometimes'", "on or off"),
        ("SET connection_pool_event_buffer_size = 2000000", nil),
        ("CREATE POOL p URI 'mongodb://127.0.0.1:1/' WITH (retry_reads = 'perhaps')", "on or off"),
        ("CREATE POOL p URI 'mongodb://127.0.0.1:1/' WITH (write_concern = 0, journal = true)", "connection_pool_settings"),
    ] as [(String, String?)])
    func invalidValuesAre22023WithAHint(sql: String, hint: String?) throws {
        let engine = try Engine()
        defer { engine.shutdown() }
        do {
            _ = try engine.makeSession().execute(sql)
            Issue.record("expected 22023 from \(sql)")
        } catch {
            #expect(error.code == .invalidParameterValue, "\(sql): \(error)")
            if let hint {
                #expect("\(error.message) \(error.hint ?? "")".contains(hint), "\(sql): \(error.message) / \(error.hint ?? "no hint")")
            }
        }
        #expect(engine.poolNames.isEmpty)
    }
}
