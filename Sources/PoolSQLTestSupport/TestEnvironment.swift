import Foundation

/// Facts about the test environment shared by the test targets.
public enum TestEnvironment {
    /// True under CI (`CI=true`): tests that need a server must fail, not skip, when it is missing.
    public static var isCI: Bool {
        ProcessInfo.processInfo.environment["CI"]?.lowercased() == "true"
    }
}
