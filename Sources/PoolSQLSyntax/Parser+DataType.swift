import PoolSQLCore

extension Parser {
    /// Words that can start a data type (and so a typed literal such as `DATE '2026-01-01'`).
    static let typeNames: Set<String> = [
        "boolean", "bool", "smallint", "int2", "integer", "int", "int4", "bigint", "int8", "real", "float4", "float8",
        "float", "double", "numeric", "decimal", "text", "varchar", "character", "timestamp", "timestamptz", "date",
        "interval",
    ]

    /// data_type = base_type { "[" [ integer_literal ] "]" } ;
    mutating func parseDataType() throws(PoolSQLError) -> DataType {
        try enter()
        defer { leave() }
        var type = try parseBaseType()
        while peekSymbol("[") {
            if peekSymbol("]", ahead: 1) {
                advance(); advance()
            } else if case .integer = peek(1).kind, peekSymbol("]", ahead: 2) {
                // PostgreSQL accepts and ignores array bounds: `INT[3]` is `INT[]`.
                advance(); advance(); advance()
            } else {
                break
            }
            type = .array(type)
        }
        return type
    }

    /// base_type = "BOOLEAN" | "BOOL" | "SMALLINT" | "INT2" | "INTEGER" | "INT" | "INT4" | "BIGINT" | "INT8"
    ///     | "REAL" | "FLOAT4" | "FLOAT8" | "FLOAT" [ "(" integer_literal ")" ] | "DOUBLE" "PRECISION"
    ///     | ( "NUMERIC" | "DECIMAL" ) [ "(" integer_literal [ "," integer_literal ] ")" ] | "TEXT"
    ///     | ( "VARCHAR" | "CHARACTER" "VARYING" ) [ "(" integer_literal ")" ]
    ///     | "TIMESTAMP" [ "(" integer_literal ")" ] [ ( "WITH" | "WITHOUT" ) "TIME" "ZONE" ] | "TIMESTAMPTZ"
    ///     | "DATE" | "INTERVAL" ;
    mutating func parseBaseType() throws(PoolSQLError) -> DataType {
        let token = current
        guard case let .word(word) = token.kind else { throw unexpected(expected: ["a type name"]) }
        let name = Parser.fold(word)
        advance()
        switch name {
        case "boolean", "bool": return .boolean
        case "smallint", "int2": return .smallint
        case "integer", "int", "int4": return .integer
        case "bigint", "int8": return .bigint
        case "real", "float4": return .real
        case "float8": return .doublePrecision
        case "float":
            if let precision = try parseTypeModifiers(max: 1).first {
                guard (1...53).contains(precision) else {
                    throw PoolSQLError(.invalidParameterValue, "precision for type float must be between 1 and 53 bits", range: range(from: token.range.start))
                }
                return precision <= 24 ? .real : .doublePrecision
            }
            return .doublePrecision
        case "double":
            try expectKeyword(.precision)
            return .doublePrecision
        case "numeric", "decimal":
            let modifiers = try parseTypeModifiers(max: 2)
            if let p = modifiers.first, !(1...1000).contains(p) {
                throw PoolSQLError(.invalidParameterValue, "NUMERIC precision \(p) must be between 1 and 1000", range: range(from: token.range.start))
            }
            return .numeric(precision: modifiers.first, scale: modifiers.count == 2 ? modifiers[1] : nil)
        case "text": return .text
        case "varchar", "character":
            if name == "character" { try expectKeyword(.varying) }
            let length = try parseTypeModifiers(max: 1).first
            if let length, length < 1 {
                throw PoolSQLError(.invalidParameterValue, "length for type varchar must be at least 1", range: range(from: token.range.start))
            }
            return .varchar(length: length)
        case "timestamp":
            _ = try parseTypeModifiers(max: 1)
            if peekKeyword(.with), peekKeyword(.time, ahead: 1) {
                advance(); advance()
                try expectKeyword(.zone)
                return .timestamptz
            }
            if consumeKeyword(.without) {
                try expectKeyword(.time)
                try expectKeyword(.zone)
            }
            return .timestamp
        case "timestamptz": return .timestamptz
        case "date": return .date
        case "interval": return .interval
        default:
            throw PoolSQLError(.undefinedObject, "type \"\(name)\" does not exist", range: token.range)
        }
    }

    /// `(n)` or `(p, s)` after a type name; empty when absent.
    private mutating func parseTypeModifiers(max: Int) throws(PoolSQLError) -> [Int] {
        guard peekSymbol("("), case .integer = peek(1).kind else { return [] }
        advance()
        var values: [Int] = []
        repeat {
            guard case let .integer(text) = current.kind else { throw unexpected(expected: ["an integer"]) }
            guard let value = Int(text), value <= 100_000 else {
                throw PoolSQLError(.invalidParameterValue, "type modifier \(text) is out of range", range: current.range)
            }
            values.append(value)
            advance()
        } while values.count < max && consumeSymbol(",")
        try expectSymbol(")")
        return values
    }
}
