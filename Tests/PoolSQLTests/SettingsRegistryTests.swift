@testable import PoolSQL
import PoolSQLCore
import Testing

@Suite struct SettingsRegistryTests {
    @Test func everyPoolSettingTheIssueNamesExists() throws {
        let required = [
            "connection_pool_min_size", "connection_pool_max_size", "connection_pool_idle_timeout",
            "connection_pool_server_selection_timeout", "connection_pool_wait_queue_timeout",
            "connection_pool_max_connecting", "connection_pool_connect_timeout", "connection_pool_socket_timeout",
            "connection_pool_heartbeat_frequency", "connection_pool_app_name", "connection_pool_read_preference",
            "connection_pool_health_check_interval",
        ]
        for name in required {
            let definition = try SettingsRegistry.definition(named: name)
            #expect(!definition.description.isEmpty)
        }
        #expect(Set(SettingsRegistry.definitions.map(\.name)).count == SettingsRegistry.definitions.count)
    }

    @Test func unknownNameNamesTheClosestSetting() {
        #expect(throws: PoolSQLError.self) { try SettingsRegistry.definition(named: "connection_pool_max_sise") }
        do {
            _ = try SettingsRegistry.definition(named: "connection_pool_max_sise")
        } catch {
            #expect(error.code == .undefinedObject)
            #expect(error.hint?.contains("connection_pool_max_size") == true)
        }
    }

    @Test func validationChecksTypeAndRange() throws {
        let maxSize = try SettingsRegistry.definition(named: "connection_pool_max_size")
        #expect(try SettingsRegistry.validate(.int(50), for: maxSize) == .integer(50))
        #expect(try SettingsRegistry.validate(.text("50"), for: maxSize) == .integer(50))
        #expect(throws: PoolSQLError.self) { try SettingsRegistry.validate(.int(0), for: maxSize) }
        #expect(throws: PoolSQLError.self) { try SettingsRegistry.validate(.text("lots"), for: maxSize) }

        let idle = try SettingsRegistry.definition(named: "connection_pool_idle_timeout")
        #expect(try SettingsRegistry.validate(.text("10s"), for: idle) == .milliseconds(10_000))
        #expect(try SettingsRegistry.validate(.text("500ms"), for: idle) == .milliseconds(500))
        #expect(try SettingsRegistry.validate(.text("10 seconds"), for: idle) == .milliseconds(10_000))
        #expect(try SettingsRegistry.validate(.int(250), for: idle) == .milliseconds(250))
        #expect(throws: PoolSQLError.self) { try SettingsRegistry.validate(.text("soon"), for: idle) }

        let readPreference = try SettingsRegistry.definition(named: "connection_pool_read_preference")
        #expect(try SettingsRegistry.validate(.text("SECONDARYPREFERRED"), for: readPreference) == .text("secondaryPreferred"))
        #expect(throws: PoolSQLError.self) { try SettingsRegistry.validate(.text("tertiary"), for: readPreference) }
    }

    @Test func setAndResetTrackTheSource() throws {
        let registry = SettingsRegistry()
        let maxSize = try SettingsRegistry.definition(named: "connection_pool_max_size")
        #expect(registry.value(of: maxSize) == .integer(100))
        #expect(registry.source(of: maxSize) == .default)
        registry.set(maxSize, to: .integer(50))
        #expect(registry.value(of: maxSize) == .integer(50))
        #expect(registry.source(of: maxSize) == .set)
        registry.reset(maxSize)
        #expect(registry.source(of: maxSize) == .default)
    }

    @Test func durationsParseAndPrint() {
        #expect(DurationText.parseMilliseconds("7 days") == 604_800_000)
        #expect(DurationText.parseMilliseconds("1h 30min") == 5_400_000)
        #expect(DurationText.parseMilliseconds("1.5s") == 1500)
        #expect(DurationText.parseMilliseconds("") == nil)
        #expect(DurationText.parseMilliseconds("10 parsecs") == nil)
        #expect(DurationText.format(milliseconds: 30_000) == "30s")
        #expect(DurationText.format(milliseconds: 1500) == "1500ms")
        #expect(DurationText.format(milliseconds: 86_400_000) == "1d")
    }
}
