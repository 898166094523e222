import Foundation
import PoolSQLCore
import PoolSQLPool
import Testing

/// The CMAP spec tests (connection-monitoring-and-pooling/tests/cmap-format): 26 unit files
/// against a mock factory and 7 integration files against SecantusDB with failCommand fail
/// points. A file the runner cannot execute fails.
@Suite("CMAP spec tests", .serialized)
struct CMAPSpecTests {
    @Test("the spec directory holds all 33 CMAP test files")
    func specDirectoryIsComplete() throws {
        guard let directory = CMAPSpecFiles.directory else {
            Issue.record("CMAP spec tests not found: set POOLSQL_SPEC_TESTS, or place them at ../shared/spec-tests/cmap-format")
            return
        }
        let names = CMAPSpecFiles.names
        #expect(names.count == CMAPSpecFiles.expectedCount, "found \(names.count) files in \(directory.path)")
        var styles: [String: Int] = [:]
        for name in names { styles[try CMAPSpecFiles.load(name).style, default: 0] += 1 }
        #expect(styles == ["unit": 26, "integration": 7])
    }

    @Test("CMAP spec file", arguments: CMAPSpecFiles.names)
    func specFile(_ name: String) async throws {
        let file = try CMAPSpecFiles.load(name)
        let runner = CMAPSpecRunner(name: name, file: file)
        let failures = await withCheckedContinuation { (continuation: CheckedContinuation<[String], Never>) in
            let thread = Thread { continuation.resume(returning: runner.run()) }
            thread.name = "cmap-spec-main"
            thread.start()
        }
        for failure in failures {
            Issue.record("\(name) (\(file.description)): \(failure)")
        }
    }
}
