import Foundation
import PoolSQLCatalog
import PoolSQLCore
import PoolSQLExecution
import PoolSQLPlanner
import PoolSQLSyntax

extension Session {
    /// `COPY name [(cols)] FROM|TO 'file.csv' WITH (FORMAT csv, HEADER [bool|match],
    /// DELIMITER ',', NULL '')`. Relative paths are relative to the process's working directory.
    func runCopy(_ copy: Copy, context: ExecutionContext) throws(PoolSQLError) -> QueryResult {
        let options = try CopyOptions(copy.options, direction: copy.direction, context: context)
        switch copy.direction {
        case .from: return try copyFrom(copy, options: options, context: context)
        case .to: return try copyTo(copy, options: options, context: context)
        }
    }

    /// Loads a CSV file into a user table: every row, or (on the first bad row, whose line the
    /// error names) none.
    private func copyFrom(_ copy: Copy, options: CopyOptions, context: ExecutionContext) throws(PoolSQLError) -> QueryResult {
        if try Session.relationName(copy.table) == Session.metricsTableName {
            return try copyMetricsFrom(copy, options: options)
        }
        let catalog = engine.relationCatalog()
        let (name, table) = try writableTable(copy.table, catalog: catalog, verb: "copy to")
        let targets = try Session.targetColumns(copy.columns, of: table, tableName: name)
        let columns = table.schema.columns
        let defaults = catalog.relations.defaults[name] ?? [:]
        let records = try Session.copyRecords(copy.path, options: options, columnNames: targets.map { columns[$0].name }, table: name)
        var rows: [[Value]] = []
        var lines: [Int] = []
        rows.reserveCapacity(records.count)
        for record in records {
            let place = "COPY \(name), line \(record.line)"
            if record.fields.count < targets.count {
                throw PoolSQLError(.badCopyFileFormat, "missing data for column \"\(columns[targets[record.fields.count]].name)\"",
                                   detail: place)
            }
            if record.fields.count > targets.count {
                throw PoolSQLError(.badCopyFileFormat, "extra data after last expected column", detail: place)
            }
            var row = try Session.defaultRow(defaults, width: columns.count, columns: columns, catalog: catalog, context: context)
            for (field, target) in zip(record.fields, targets) {
                if !field.quoted && field.text == options.nullText {
                    row[target] = .null
                    continue
                }
                let column = columns[target]
                do {
                    row[target] = try Session.assign(.text(field.text), from: .unknown, to: column, range: nil)
                } catch {
                    throw PoolSQLError(error.code, error.message, detail: "\(place), column \(column.name): \"\(field.text)\"", hint: error.hint)
                }
            }
            try Session.checkNotNull(row, of: table, tableName: name, detail: place)
            rows.append(row)
            lines.append(record.line)
        }
        try append(rows, to: table, named: name) { "COPY \(name), line \(lines[$0])" }
        return .command("COPY \(rows.count)")
    }

    /// Writes a relation (a user table, a view or a built-in table) as CSV.
    private func copyTo(_ copy: Copy, options: CopyOptions, context: ExecutionContext) throws(PoolSQLError) -> QueryResult {
        let catalog = engine.relationCatalog()
        let query = Query(body: .select(Select(projection: [.wildcard], from: [.table(copy.table, alias: nil)])))
        let result = try QueryExecutor.execute(query: query, catalog: catalog, context: context)
        let names = result.columns.map(\.name)
        var indices: [Int] = []
        for column in copy.columns {
            guard let index = names.firstIndex(of: column.value) else {
                let hint = ClosestName.find(column.value, in: names).map { "did you mean \"\($0)\"?" }
                throw PoolSQLError(.undefinedColumn, "column \"\(column.value)\" of relation \"\(copy.table.name.value)\" does not exist",
                                   hint: hint, range: column.range)
            }
            if indices.contains(index) {
                throw PoolSQLError(.duplicateColumn, "column \"\(column.value)\" specified more than once", range: column.range)
            }
            indices.append(index)
        }
        if indices.isEmpty { indices = Array(names.indices) }
        let writer = CSVWriter(delimiter: Character(options.delimiter), nullText: options.nullText)
        var out = ""
        if options.header == .present { out += writer.line(indices.map { names[$0] }) }
        for row in result.rows {
            out += writer.line(indices.map { i in
                let value = row[i]
                if value.isNull { return nil }
                if result.columns[i].type == .date, case .timestamp = value { return String(value.description.prefix(while: { $0 != " " })) }
                return value.description
            })
        }
        do {
            // Written in place (not via a temporary file and rename), so '/dev/stdout' and
            // named pipes work as they do for PostgreSQL.
            try Data(out.utf8).write(to: URL(fileURLWithPath: copy.path))
        } catch {
            throw PoolSQLError(.undefinedFile, "could not open file \"\(copy.path)\" for writing: \(error.localizedDescription)")
        }
        return .command("COPY \(result.rows.count)")
    }

    static func readFile(_ path: String) throws(PoolSQLError) -> String {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            let reason = FileManager.default.fileExists(atPath: path) ? error.localizedDescription : "No such file or directory"
            throw PoolSQLError(.undefinedFile, "could not open file \"\(path)\" for reading: \(reason)")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw PoolSQLError(.characterNotInRepertoire, "invalid byte sequence for encoding \"UTF8\" in file \"\(path)\"")
        }
        return text
    }
}

extension Session {
    /// The data records of a CSV file for `COPY table FROM`: parsed with the options'
    /// delimiter, the header line checked (`HEADER match`: names and count must be
    /// `columnNames`) and dropped. Errors name the table and the line.
    static func copyRecords(_ path: String, options: CopyOptions, columnNames: [String], table name: String) throws(PoolSQLError) -> [CSVRecord] {
        let text = try Session.readFile(path)
        var records: [CSVRecord]
        do {
            records = try CSVReader(delimiter: options.delimiter).records(text)
        } catch {
            throw PoolSQLError(error.code, error.message, detail: "COPY \(name), \(error.detail ?? "")")
        }
        if options.header != .absent, let header = records.first {
            if options.header == .match {
                let got = header.fields.map(\.text)
                guard got.count == columnNames.count else {
                    throw PoolSQLError(.badCopyFileFormat, "wrong number of fields in header line: got \(got.count), expected \(columnNames.count)",
                                       detail: "COPY \(name), line \(header.line)")
                }
                for (i, (g, e)) in zip(got, columnNames).enumerated() where g != e {
                    throw PoolSQLError(.badCopyFileFormat, "column name mismatch in header line field \(i + 1): got \"\(g)\", expected \"\(e)\"",
                                       detail: "COPY \(name), line \(header.line)")
                }
            }
            records.removeFirst()
        }
        return records
    }
}
