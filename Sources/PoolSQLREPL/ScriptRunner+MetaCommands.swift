import Foundation
import PoolSQLSyntax

extension ScriptRunner {
    /// The meta-commands, for `\?`.
    public static let helpText = """
        General
          \\q                      quit poolsql
          \\?                      show this help

        Query buffer
          \\r                      reset (clear) the query buffer

        Input/Output
          \\i FILE                 execute commands from file
          \\ir FILE                as \\i, but relative to the location of the current script
          \\echo [STRING]          write string to standard output

        Formatting
          \\format [aligned|csv|json]
                                  set the output format
          \\pset format|expanded|timing VALUE
                                  set an output option, as psql's \\pset
          \\timing [on|off]        toggle timing of commands
          \\x [on|off|auto]        toggle expanded output

        Variables
          \\set [NAME [VALUE]]     set a variable, or list all of them
          \\unset NAME             unset (delete) a variable
          \\getenv NAME ENVVAR     set a variable from an environment variable
          Use :NAME, :'NAME' (as a string literal) or :"NAME" (as an identifier) in SQL.

        """

    /// Runs one meta-command line.
    func run(_ command: StatementSplitter.MetaCommand, source: ScriptSource, splitter: inout StatementSplitter) -> Outcome {
        let arguments = MetaCommandArguments.split(command.arguments, variables: variables)
        func fail(_ message: String) -> Outcome {
            reportProblem(message, source: source, line: command.line)
            return .failed
        }
        func say(_ message: String) -> Outcome {
            output.write(message + "\n")
            output.flush()
            return .completed
        }

        switch command.name {
        case "q", "quit":
            return .quit

        case "?":
            return say(Self.helpText.hasSuffix("\n") ? String(Self.helpText.dropLast()) : Self.helpText)

        case "r", "reset":
            splitter.discardPendingInput()
            return say("Query buffer reset (cleared).")

        case "echo":
            return say(arguments.joined(separator: " "))

        case "timing":
            guard let value = arguments.first else {
                settings.timing.toggle()
                return say(settings.timing ? "Timing is on." : "Timing is off.")
            }
            guard let on = Self.parseBoolean(value) else {
                return fail("\\timing: unrecognized value \"\(value)\": Boolean expected")
            }
            settings.timing = on
            return say(on ? "Timing is on." : "Timing is off.")

        case "x":
            return setExpanded(arguments.first, commandName: "\\x", fail: fail, say: say)

        case "format":
            return setFormat(arguments.first, commandName: "\\format", fail: fail, say: say)

        case "pset":
            guard let option = arguments.first else {
                return say("format\t\(settings.format.rawValue)\nexpanded\t\(settings.expanded.rawValue)\ntiming\t\(settings.timing ? "on" : "off")")
            }
            let value = arguments.count > 1 ? arguments[1] : nil
            switch option {
            case "format": return setFormat(value, commandName: "\\pset", fail: fail, say: say)
            case "expanded", "x": return setExpanded(value, commandName: "\\pset", fail: fail, say: say)
            case "timing":
                guard let value else {
                    settings.timing.toggle()
                    return say(settings.timing ? "Timing is on." : "Timing is off.")
                }
                guard let on = Self.parseBoolean(value) else { return fail("\\pset: unrecognized value \"\(value)\" for \"timing\": Boolean expected") }
                settings.timing = on
                return say(on ? "Timing is on." : "Timing is off.")
            default:
                return fail("\\pset: unknown option: \(option)")
            }

        case "i", "include", "ir", "include_relative":
            guard let path = arguments.first else {
                return fail("\\\(command.name): missing required argument")
            }
            var resolved = Self.expandingTilde(path, environment: environment)
            if command.name.hasPrefix("ir") || command.name == "include_relative",
               !resolved.hasPrefix("/"), let directory = source.directory {
                resolved = directory + "/" + resolved
            }
            return runFile(path: resolved, includedFrom: source, line: command.line)

        case "set":
            guard let name = arguments.first else {
                let listing = variables.keys.sorted().map { "\($0) = \(VariableName.literal(variables[$0] ?? ""))" }
                if listing.isEmpty { return .completed }
                return say(listing.joined(separator: "\n"))
            }
            guard VariableName.isValid(name) else { return fail("\\set: invalid variable name: \"\(name)\"") }
            variables[name] = arguments.dropFirst().joined()
            return .completed

        case "unset":
            guard let name = arguments.first else { return fail("\\unset: missing required argument") }
            variables[name] = nil
            return .completed

        case "getenv":
            guard arguments.count >= 2 else { return fail("\\getenv: missing required argument") }
            guard VariableName.isValid(arguments[0]) else { return fail("\\getenv: invalid variable name: \"\(arguments[0])\"") }
            // As psql: an unset environment variable leaves the variable unchanged.
            if let value = environment[arguments[1]] { variables[arguments[0]] = value }
            return .completed

        default:
            return fail("invalid command \\\(command.name)\nTry \\? for help.")
        }
    }

    private func setFormat(
        _ value: String?, commandName: String, fail: (String) -> Outcome, say: (String) -> Outcome
    ) -> Outcome {
        guard let value else { return say("Output format is \(settings.format.rawValue).") }
        guard let format = OutputFormat(rawValue: value.lowercased()) else {
            return fail("\(commandName): allowed formats are aligned, csv, json")
        }
        settings.format = format
        return say("Output format is \(format.rawValue).")
    }

    private func setExpanded(
        _ value: String?, commandName: String, fail: (String) -> Outcome, say: (String) -> Outcome
    ) -> Outcome {
        if let value {
            if value.lowercased() == "auto" {
                settings.expanded = .auto
            } else if let on = Self.parseBoolean(value) {
                settings.expanded = on ? .on : .off
            } else {
                return fail("\(commandName): unrecognized value \"\(value)\" for \"expanded\": Boolean expected")
            }
        } else {
            settings.expanded = settings.expanded == .on ? .off : .on
        }
        switch settings.expanded {
        case .on: return say("Expanded display is on.")
        case .off: return say("Expanded display is off.")
        case .auto: return say("Expanded display is used automatically.")
        }
    }

    /// psql's Boolean words: on/off, true/false, yes/no, 1/0 (unique prefixes allowed).
    static func parseBoolean(_ text: String) -> Bool? {
        let word = text.lowercased()
        guard !word.isEmpty else { return nil }
        if word == "1" { return true }
        if word == "0" { return false }
        if word == "on" { return true }
        if word == "of" || word == "off" { return false }
        if "true".hasPrefix(word) || "yes".hasPrefix(word) { return true }
        if "false".hasPrefix(word) || "no".hasPrefix(word) { return false }
        return nil
    }

    static func expandingTilde(_ path: String, environment: [String: String]) -> String {
        guard path == "~" || path.hasPrefix("~/") else { return path }
        let home = environment["HOME"] ?? NSHomeDirectory()
        return home + path.dropFirst()
    }
}
