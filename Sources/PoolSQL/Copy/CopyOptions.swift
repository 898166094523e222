import PoolSQLCore
import PoolSQLExecution
import PoolSQLPlanner
import PoolSQLSyntax

/// The `WITH (…)` options of a COPY statement. Only `FORMAT csv` is read and written.
struct CopyOptions {
    enum Header: Equatable { case absent, present, match }

    var header: Header = .absent
    var delimiter: Unicode.Scalar = ","
    var nullText = ""

    init(_ options: [CopyOption], direction: CopyDirection, context: ExecutionContext) throws(PoolSQLError) {
        var format: String?
        var seen: Set<String> = []
        for option in options {
            let name = option.name.value.lowercased()
            guard seen.insert(name).inserted else {
                throw PoolSQLError(.syntaxError, "conflicting or redundant options", range: option.name.range)
            }
            switch name {
            case "format":
                format = try Self.word(option, context: context).lowercased()
            case "header":
                guard option.value != nil else { header = .present; continue }
                let word = try Self.word(option, context: context).lowercased()
                if word == "match" {
                    guard direction == .from else {
                        throw PoolSQLError(.featureNotSupported, "cannot use \"match\" with HEADER in COPY TO", range: option.value?.range)
                    }
                    header = .match
                } else {
                    do {
                        header = try Value.parseBoolean(word) ? .present : .absent
                    } catch {
                        throw PoolSQLError(.invalidParameterValue, "header requires a Boolean value or \"match\"", range: option.value?.range)
                    }
                }
            case "delimiter":
                let text = try Self.word(option, context: context)
                guard text.unicodeScalars.count == 1, let scalar = text.unicodeScalars.first, scalar != "\"", scalar != "\n", scalar != "\r" else {
                    throw PoolSQLError(.featureNotSupported, "COPY delimiter must be a single one-byte character other than a quote or line break",
                                       range: option.value?.range)
                }
                delimiter = scalar
            case "null":
                nullText = try Self.word(option, context: context)
            default:
                throw PoolSQLError(.syntaxError, "option \"\(option.name.value)\" not recognized",
                                   hint: "COPY takes FORMAT csv, HEADER, DELIMITER and NULL.", range: option.name.range)
            }
        }
        guard let format else {
            throw PoolSQLError(.featureNotSupported, "COPY in the text format is not supported", hint: "Add WITH (FORMAT csv).")
        }
        guard format == "csv" else {
            let range = options.first { $0.name.value.lowercased() == "format" }?.value?.range
            throw PoolSQLError(.featureNotSupported, "COPY format \"\(format)\" is not supported", hint: "Use FORMAT csv.", range: range)
        }
    }

    private static func word(_ option: CopyOption, context: ExecutionContext) throws(PoolSQLError) -> String {
        guard let value = option.value else {
            throw PoolSQLError(.syntaxError, "\(option.name.value) requires a parameter", range: option.name.range)
        }
        if case let .identifier(word) = value.kind { return word.value }
        let constant = try ExpressionEvaluator.evaluateConstant(value, context: context)
        if case let .bool(b) = constant { return b ? "true" : "false" }
        return constant.description
    }
}
