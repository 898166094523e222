import Foundation
import Testing

/// Runs every `slt/*.slt` file next to this source file.
@Suite struct SLTTests {
    static var directory: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("slt")
    }

    static var files: [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.filter { $0.hasSuffix(".slt") }.sorted()
    }

    @Test func sltDirectoryHasFiles() {
        #expect(SLTTests.files.count >= 5)
    }

    @Test(arguments: SLTTests.files)
    func sltFile(_ name: String) throws {
        let text = try String(contentsOf: SLTTests.directory.appendingPathComponent(name), encoding: .utf8)
        var runner = SLTRunner()
        let (failures, records) = runner.run(file: name, text: text)
        #expect(records > 0)
        for failure in failures {
            Issue.record(Comment(rawValue: failure.description))
        }
    }
}
