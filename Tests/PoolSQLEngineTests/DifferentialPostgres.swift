import Foundation

/// A PostgreSQL 15 server reached through `psql` child processes (no client library in the
/// package). Each statement runs in its own `psql` session with the settings that make
/// PostgreSQL print values as PoolSQL does: UTC, ISO dates, shortest round-trip floats.
struct DifferentialPostgres: Sendable {
    /// What one statement gave: rows of text values (nil for NULL) or an error.
    enum Outcome: Sendable {
        case rows([[String?]], types: [String])
        case error(sqlstate: String, message: String)
    }

    struct SetupError: Error, CustomStringConvertible {
        var description: String
    }

    /// libpq connection string (`host=/tmp/x port=5432 user=postgres dbname=postgres`) or URL.
    var connection: String
    var psql = "/usr/bin/psql"

    /// The same server, another database.
    func database(_ name: String) -> DifferentialPostgres {
        var copy = self
        copy.connection = connection.hasPrefix("postgres") && connection.contains("://")
            ? connection.replacingOccurrences(of: #"/[^/?]*(\?|$)"#, with: "/\(name)$1", options: .regularExpression)
            : connection + " dbname=\(name)"
        return copy
    }

    /// Runs a script (several statements, ON_ERROR_STOP) and throws on the first error.
    func runScript(_ sql: String, searchPath: String? = nil) throws {
        let result = try invoke(sql, arguments: ["-q"], searchPath: searchPath)
        guard result.status == 0 else {
            throw SetupError(description: "psql failed (\(result.status)): \(result.stderr)")
        }
    }

    /// Runs one statement and returns its rows (with the column types, from `\gdesc`, when asked)
    /// or its error.
    func run(_ sql: String, searchPath: String, describe: Bool = false) throws -> Outcome {
        let result = try invoke(sql + "\n;\n", arguments: ["-q", "--csv", "-t", "-P", "null=\(DifferentialPostgres.nullMarker)"], searchPath: searchPath)
        if let error = DifferentialPostgres.parseError(result.stderr) { return .error(sqlstate: error.0, message: error.1) }
        guard result.status == 0 else {
            throw SetupError(description: "psql failed (\(result.status)): \(result.stderr)")
        }
        var types: [String] = []
        if describe {
            let described = try invoke(sql + "\n\\gdesc\n", arguments: ["-q", "--csv", "-t"], searchPath: searchPath)
            types = DifferentialPostgres.parseCSV(described.stdout).compactMap { $0.count > 1 ? $0[1] : nil }
        }
        return .rows(DifferentialPostgres.parseCSV(result.stdout), types: types)
    }

    private func invoke(_ text: String, arguments: [String], searchPath: String?) throws -> (status: Int32, stdout: String, stderr: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: psql)
        process.arguments = ["-X", "-v", "ON_ERROR_STOP=1", "-v", "VERBOSITY=verbose", "-d", connection] + arguments
        var environment = ProcessInfo.processInfo.environment
        var options = "-c TimeZone=UTC -c DateStyle=ISO,YMD -c IntervalStyle=postgres -c extra_float_digits=1 -c client_min_messages=warning"
        if let searchPath { options += " -c search_path=\(searchPath)" }
        environment["PGOPTIONS"] = options
        environment["PGCLIENTENCODING"] = "UTF8"
        process.environment = environment
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("poolsql-psql-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let outURL = directory.appendingPathComponent("out"), errURL = directory.appendingPathComponent("err")
        FileManager.default.createFile(atPath: outURL.path, contents: nil)
        FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let out = try FileHandle(forWritingTo: outURL), err = try FileHandle(forWritingTo: errURL)
        let input = Pipe()
        process.standardInput = input
        process.standardOutput = out
        process.standardError = err
        try process.run()
        // Statements are small (far below a pipe buffer), so writing before reading cannot block.
        input.fileHandleForWriting.write(Data(text.utf8))
        try input.fileHandleForWriting.close()
        process.waitUntilExit()
        try out.close(); try err.close()
        let stdout = (try? String(contentsOf: outURL, encoding: .utf8)) ?? ""
        let stderr = (try? String(contentsOf: errURL, encoding: .utf8)) ?? ""
        return (process.terminationStatus, stdout, stderr)
    }

    /// `ERROR:  42P01: relation "x" does not exist` (VERBOSITY verbose) → code and message.
    static func parseError(_ stderr: String) -> (String, String)? {
        guard let range = stderr.range(of: #"ERROR:  [0-9A-Z]{5}: "#, options: .regularExpression) else { return nil }
        let code = String(stderr[range].dropFirst(8).prefix(5))
        let message = stderr[range.upperBound...].prefix(while: { $0 != "\n" })
        return (code, String(message))
    }

    /// What psql prints for NULL (`-P null=…`): psql's CSV output leaves both NULL and the empty
    /// string unquoted and empty, so NULL gets a marker no corpus value contains.
    static let nullMarker = "\u{27E8}NULL\u{27E9}"

    /// psql's `--csv` output (RFC 4180 quoting), split on Unicode scalars so a combining mark
    /// after a comma does not hide the comma; the null marker becomes nil.
    static func parseCSV(_ text: String) -> [[String?]] {
        var rows: [[String?]] = []
        var row: [String?] = []
        var field = String.UnicodeScalarView()
        var wasQuoted = false, inQuotes = false, any = false
        var scalars = Array(text.unicodeScalars)[...]
        func endField() {
            let value = String(field)
            row.append(!wasQuoted && value == nullMarker ? nil : value)
            field = String.UnicodeScalarView(); wasQuoted = false
        }
        while let c = scalars.popFirst() {
            any = true
            if inQuotes {
                if c == "\"" {
                    if scalars.first == "\"" { field.append("\""); scalars.removeFirst() } else { inQuotes = false }
                } else {
                    field.append(c)
                }
                continue
            }
            switch c {
            case "\"" where field.isEmpty:
                inQuotes = true; wasQuoted = true
            case ",":
                endField()
            case "\r":
                continue
            case "\n":
                endField(); rows.append(row); row = []; any = false
            default:
                field.append(c)
            }
        }
        if any { endField(); rows.append(row) }
        return rows
    }
}
