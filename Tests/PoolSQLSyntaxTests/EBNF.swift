import Foundation

/// A reader for the ISO-style EBNF of Grammar/poolsql.ebnf, and a random sentence generator
/// over it. Only what the grammar file uses: `=`, `;`, `|`, `[ ]`, `{ }`, `( )`, `"terminals"`,
/// `(* comments *)`, rule names and lexical terminal names.
struct EBNF {
    indirect enum Node: Equatable {
        case terminal(String)
        case reference(String)
        case sequence([Node])
        case choice([Node])
        case optional(Node)
        case repetition(Node)
    }

    struct SyntaxError: Error, CustomStringConvertible {
        var description: String
    }

    var rules: [String: Node] = [:]
    /// Rule names in file order.
    var order: [String] = []

    private enum Token: Equatable {
        case name(String), terminal(String), symbol(Character)
    }

    init(text: String) throws {
        var tokens: [Token] = []
        let chars = Array(text)
        var i = 0
        while i < chars.count {
            let c = chars[i]
            if c.isWhitespace {
                i += 1
            } else if c == "(", i + 1 < chars.count, chars[i + 1] == "*" {
                i += 2
                while i + 1 < chars.count, !(chars[i] == "*" && chars[i + 1] == ")") { i += 1 }
                i += 2
            } else if c == "\"" {
                var j = i + 1
                while j < chars.count, chars[j] != "\"" { j += 1 }
                guard j < chars.count else { throw SyntaxError(description: "unterminated terminal") }
                tokens.append(.terminal(String(chars[(i + 1)..<j])))
                i = j + 1
            } else if c.isLetter || c == "_" {
                var j = i
                while j < chars.count, chars[j].isLetter || chars[j].isNumber || chars[j] == "_" { j += 1 }
                tokens.append(.name(String(chars[i..<j])))
                i = j
            } else if "=;|[]{}()".contains(c) {
                tokens.append(.symbol(c))
                i += 1
            } else {
                throw SyntaxError(description: "unexpected character \(c)")
            }
        }
        var position = 0
        func peek() -> Token? { position < tokens.count ? tokens[position] : nil }
        func expect(_ symbol: Character) throws {
            guard peek() == .symbol(symbol) else { throw SyntaxError(description: "expected \(symbol) at token \(position): \(String(describing: peek()))") }
            position += 1
        }
        func parseChoice() throws -> Node {
            var alternatives = [try parseSequence()]
            while peek() == .symbol("|") {
                position += 1
                alternatives.append(try parseSequence())
            }
            return alternatives.count == 1 ? alternatives[0] : .choice(alternatives)
        }
        func parseSequence() throws -> Node {
            var items: [Node] = []
            loop: while let token = peek() {
                switch token {
                case let .name(n): items.append(.reference(n)); position += 1
                case let .terminal(t): items.append(.terminal(t)); position += 1
                case .symbol("["): position += 1; items.append(.optional(try parseChoice())); try expect("]")
                case .symbol("{"): position += 1; items.append(.repetition(try parseChoice())); try expect("}")
                case .symbol("("): position += 1; items.append(try parseChoice()); try expect(")")
                default: break loop
                }
            }
            guard !items.isEmpty else { throw SyntaxError(description: "empty sequence at token \(position)") }
            return items.count == 1 ? items[0] : .sequence(items)
        }
        while let token = peek() {
            guard case let .name(name) = token else { throw SyntaxError(description: "expected a rule name at token \(position)") }
            position += 1
            try expect("=")
            let body = try parseChoice()
            try expect(";")
            guard rules[name] == nil else { throw SyntaxError(description: "rule \(name) defined twice") }
            rules[name] = body
            order.append(name)
        }
    }

    /// Every name referenced but not defined (the lexical terminals).
    var undefinedReferences: Set<String> {
        var names: Set<String> = []
        func walk(_ node: Node) {
            switch node {
            case .terminal: break
            case let .reference(n): if rules[n] == nil { names.insert(n) }
            case let .sequence(items), let .choice(items): items.forEach(walk)
            case let .optional(n), let .repetition(n): walk(n)
            }
        }
        rules.values.forEach(walk)
        return names
    }

    /// Rules reachable from `start`.
    func reachable(from start: String) -> Set<String> {
        var seen: Set<String> = [start]
        var queue = [start]
        func walk(_ node: Node) {
            switch node {
            case .terminal: break
            case let .reference(n):
                if rules[n] != nil, !seen.contains(n) { seen.insert(n); queue.append(n) }
            case let .sequence(items), let .choice(items): items.forEach(walk)
            case let .optional(n), let .repetition(n): walk(n)
            }
        }
        while let next = queue.popLast() { if let body = rules[next] { walk(body) } }
        return seen
    }

    /// The least number of rule expansions needed to finish each rule; the generator takes
    /// the cheapest alternative once its depth budget is spent, so generation terminates.
    func minimumHeights() -> [String: Int] {
        var heights: [String: Int] = [:]
        func height(_ node: Node) -> Int? {
            switch node {
            case .terminal: return 0
            case let .reference(n): return rules[n] == nil ? 0 : heights[n].map { $0 + 1 }
            case let .sequence(items):
                var h = 0
                for item in items {
                    guard let ih = height(item) else { return nil }
                    h = max(h, ih)
                }
                return h
            case let .choice(items): return items.compactMap(height).min()
            case .optional, .repetition: return 0
            }
        }
        var changed = true
        while changed {
            changed = false
            for (name, body) in rules {
                if let h = height(body), heights[name].map({ h < $0 }) ?? true {
                    heights[name] = h
                    changed = true
                }
            }
        }
        return heights
    }
}

/// Generates random sentences from an EBNF grammar.
struct SentenceGenerator<R: RandomNumberGenerator> {
    let grammar: EBNF
    let heights: [String: Int]
    let samples: [String: [String]]
    var rng: R

    init(grammar: EBNF, samples: [String: [String]], rng: R) {
        self.grammar = grammar
        self.heights = grammar.minimumHeights()
        self.samples = samples
        self.rng = rng
    }

    mutating func sentence(from start: String, budget: Int) -> String {
        var out: [String] = []
        expand(.reference(start), budget: budget, into: &out)
        return out.joined(separator: " ")
    }

    private func cost(_ node: EBNF.Node) -> Int {
        switch node {
        case .terminal: return 0
        case let .reference(n): return grammar.rules[n] == nil ? 0 : (heights[n] ?? Int.max / 2) + 1
        case let .sequence(items): return items.map(cost).max() ?? 0
        case let .choice(items): return items.map(cost).min() ?? 0
        case .optional, .repetition: return 0
        }
    }

    private mutating func expand(_ node: EBNF.Node, budget: Int, into out: inout [String]) {
        switch node {
        case let .terminal(t):
            out.append(t)
        case let .reference(name):
            if let body = grammar.rules[name] {
                expand(body, budget: budget - 1, into: &out)
            } else if let values = samples[name], !values.isEmpty {
                out.append(values[Int.random(in: 0..<values.count, using: &rng)])
            } else {
                out.append("<\(name)>")
            }
        case let .sequence(items):
            for item in items { expand(item, budget: budget, into: &out) }
        case let .choice(items):
            let affordable = budget > 0 ? items : {
                let least = items.map(cost).min() ?? 0
                return items.filter { cost($0) == least }
            }()
            expand(affordable[Int.random(in: 0..<affordable.count, using: &rng)], budget: budget, into: &out)
        case let .optional(inner):
            if budget > 0, Bool.random(using: &rng) { expand(inner, budget: budget, into: &out) }
        case let .repetition(inner):
            // Fewer repetitions as the budget shrinks keeps sentences from growing exponentially.
            let count = budget > 0 ? Int.random(in: 0...(budget > 12 ? 2 : 1), using: &rng) : 0
            for _ in 0..<count { expand(inner, budget: budget, into: &out) }
        }
    }
}
