import Foundation

/// Facts about the test environment shared by the test targets.
public enum TestEnvironment {
    /// True under CI (`CI=true`): tests that need a server must fail, not skip, when it is missing.
    public static var isCI: Bool {
        ProcessInfo.processInfo.environment["CI"]?.lowercased() == "true"
    }

    /// A MongoDB server provided from outside (`POOLSQL_TEST_MONGODB_URI`, set by CI), if any.
    /// Tests that must stop and restart their server use `SecantusServer` instead.
    public static var mongoURI: String? {
        guard let value = ProcessInfo.processInfo.environment["POOLSQL_TEST_MONGODB_URI"], !value.isEmpty else { return nil }
        return value
    }

    /// How to make a MongoDB test server available; part of every "no server" failure.
    public static let serverSetupHint = """
        Tests need a MongoDB-compatible server. Run scripts/setup.sh (it installs SecantusDB into \
        the repository's .venv), or put secantusd-py on PATH, or set \
        POOLSQL_SECANTUSD=/path/to/secantusd-py; tests that need no restarts also accept \
        POOLSQL_TEST_MONGODB_URI=mongodb://host:port/.
        """
}
