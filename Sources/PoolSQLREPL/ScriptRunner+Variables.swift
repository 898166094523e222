import PoolSQLSyntax

extension ScriptRunner {
    /// The statement with `:name`, `:'name'` and `:"name"` replaced by variable values; a
    /// reference to an unset variable stays as typed, as in psql.
    func interpolateVariables(in statement: StatementSplitter.Statement) -> String {
        guard !statement.variableReferences.isEmpty else { return statement.text }
        var scalars = Array(statement.text.unicodeScalars)
        for reference in statement.variableReferences.reversed() {
            guard let value = variables[reference.name],
                  reference.range.lowerBound >= 0, reference.range.upperBound <= scalars.count
            else { continue }
            let replacement: String
            switch reference.quoting {
            case .none: replacement = value
            case .literal: replacement = VariableName.literal(value)
            case .identifier: replacement = VariableName.identifier(value)
            }
            scalars.replaceSubrange(reference.range, with: replacement.unicodeScalars)
        }
        return String(String.UnicodeScalarView(scalars))
    }
}
