/// A compiled SQL LIKE pattern: `%` any run of characters, `_` exactly one, `\` escapes the next.
public struct LikePattern: Sendable {
    private enum Piece: Sendable, Equatable {
        case literal(Character)
        case any
        case many
    }

    private let pieces: [Piece]
    private let caseInsensitive: Bool

    public init(_ pattern: String, caseInsensitive: Bool = false, escape: Character? = "\\") {
        self.caseInsensitive = caseInsensitive
        var pieces: [Piece] = []
        var escaped = false
        for ch in caseInsensitive ? pattern.lowercased() : pattern {
            if escaped {
                pieces.append(.literal(ch))
                escaped = false
            } else if ch == escape {
                escaped = true
            } else if ch == "%" {
                if pieces.last != .many { pieces.append(.many) }
            } else if ch == "_" {
                pieces.append(.any)
            } else {
                pieces.append(.literal(ch))
            }
        }
        if escaped, let escape { pieces.append(.literal(escape)) }
        self.pieces = pieces
    }

    public func matches(_ text: String) -> Bool {
        let chars = Array(caseInsensitive ? text.lowercased() : text)
        // Greedy match with backtracking to the last `%` (linear for typical patterns).
        var p = 0, t = 0
        var starP = -1, starT = 0
        while t < chars.count {
            if p < pieces.count {
                switch pieces[p] {
                case .many:
                    starP = p; starT = t; p += 1
                    continue
                case .any:
                    p += 1; t += 1
                    continue
                case let .literal(c) where c == chars[t]:
                    p += 1; t += 1
                    continue
                default:
                    break
                }
            }
            if starP >= 0 {
                p = starP + 1
                starT += 1
                t = starT
            } else {
                return false
            }
        }
        while p < pieces.count, pieces[p] == .many { p += 1 }
        return p == pieces.count
    }
}
