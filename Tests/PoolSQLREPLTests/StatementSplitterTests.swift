import PoolSQLSyntax
import Testing

@Suite("StatementSplitter")
struct StatementSplitterTests {
    private func statements(_ items: [StatementSplitter.Item]) -> [String] {
        items.compactMap { item in
            if case let .statement(statement) = item { return statement.text }
            return nil
        }
    }

    private func split(_ text: String) -> [StatementSplitter.Item] {
        var splitter = StatementSplitter()
        return splitter.feed(text) + splitter.finish()
    }

    @Test func completeStatementsComeOutAsSoonAsTheirSemicolonIsFed() {
        var splitter = StatementSplitter()
        #expect(splitter.feed("SELECT 1; SELECT").map { $0 } == [.statement(.init(text: "SELECT 1;", line: 1))])
        #expect(splitter.continuation == .statement)
        #expect(splitter.hasPendingInput)
        #expect(statements(splitter.feed(" 2;\n")) == ["SELECT 2;"])
        #expect(splitter.continuation == .none)
        #expect(!splitter.hasPendingInput)
    }

    @Test func multiLineStatementKeepsItsTextAndStartingLine() {
        var splitter = StatementSplitter()
        #expect(splitter.feed("-- a comment before\n").isEmpty)
        #expect(splitter.feed("\n").isEmpty)
        #expect(splitter.feed("SELECT pool_name\n").isEmpty)
        let items = splitter.feed("  FROM mongodb_connection_pools;\n")
        #expect(items == [.statement(.init(text: "SELECT pool_name\n  FROM mongodb_connection_pools;", line: 3))])
    }

    @Test func semicolonsInsideStringsAndIdentifiersDoNotEndTheStatement() {
        #expect(statements(split("SELECT 'a;b''c;' AS \"x;\"\"y\"; SELECT 2;")) == ["SELECT 'a;b''c;' AS \"x;\"\"y\";", "SELECT 2;"])
    }

    @Test func escapeStringsHonourBackslashes() {
        #expect(statements(split("SELECT E'it\\'s; here';")) == ["SELECT E'it\\'s; here';"])
        #expect(statements(split("SELECT e'a\\\\'; SELECT 2;")) == ["SELECT e'a\\\\';", "SELECT 2;"])
        // Not an E string: the E ends an identifier, so the backslash is an ordinary character.
        #expect(statements(split("SELECT type'\\'; SELECT 2;")) == ["SELECT type'\\';", "SELECT 2;"])
    }

    @Test func commentsHideSemicolons() {
        #expect(statements(split("SELECT 1 -- not the end;\n + 1;")) == ["SELECT 1 -- not the end;\n + 1;"])
        #expect(statements(split("SELECT /* one ; /* nested ; */ still ; */ 2;")) == ["SELECT /* one ; /* nested ; */ still ; */ 2;"])
    }

    @Test func unfinishedInputReportsItsKind() {
        var splitter = StatementSplitter()
        _ = splitter.feed("SELECT 'abc\n")
        #expect(splitter.continuation == .singleQuote)
        _ = splitter.feed("def', \"col\n")
        #expect(splitter.continuation == .doubleQuote)
        _ = splitter.feed("umn\", /* note\n")
        #expect(splitter.continuation == .blockComment)
        _ = splitter.feed("/* inner */ still in the outer\n")
        #expect(splitter.continuation == .blockComment)
        _ = splitter.feed("*/ (1 +\n")
        #expect(splitter.continuation == .parenthesis)
        _ = splitter.feed("2)\n")
        #expect(splitter.continuation == .statement)
        #expect(statements(splitter.feed(";\n")).count == 1)
        #expect(splitter.continuation == .none)
    }

    @Test func emptyAndCommentOnlyStatementsAreDropped() {
        #expect(split(";;\n  ;").isEmpty)
        #expect(split("/* just a comment */;\n-- and another\n").isEmpty)
    }

    @Test func lastStatementWithoutSemicolonRunsAtEndOfInput() {
        var splitter = StatementSplitter()
        #expect(splitter.feed("SELECT 1;\nSELECT 2\n").count == 1)
        #expect(splitter.finish() == [.statement(.init(text: "SELECT 2", line: 2))])
        #expect(!splitter.hasPendingInput)
    }

    @Test func metaCommandsAreSeparateItems() {
        let items = split("\\timing on\nSELECT 1;\n  \\x\n\\i 'my file.sql'\n")
        #expect(items == [
            .metaCommand(.init(name: "timing", arguments: "on", text: "\\timing on", line: 1)),
            .statement(.init(text: "SELECT 1;", line: 2)),
            .metaCommand(.init(name: "x", arguments: "", text: "\\x", line: 3)),
            .metaCommand(.init(name: "i", arguments: "'my file.sql'", text: "\\i 'my file.sql'", line: 4)),
        ])
        #expect(split("\\?\n") == [.metaCommand(.init(name: "?", arguments: "", text: "\\?", line: 1))])
    }

    @Test func metaCommandWaitsForItsLineBreak() {
        var splitter = StatementSplitter()
        #expect(splitter.feed("\\x o").isEmpty)
        #expect(splitter.hasPendingInput)
        #expect(splitter.feed("n\n") == [.metaCommand(.init(name: "x", arguments: "on", text: "\\x on", line: 1))])
        #expect(splitter.feed("\\q") == [])
        #expect(splitter.finish() == [.metaCommand(.init(name: "q", arguments: "", text: "\\q", line: 2))])
    }

    @Test func metaCommandInsideAPendingStatementLeavesTheStatementPending() {
        var splitter = StatementSplitter()
        #expect(splitter.feed("SELECT 1\n").isEmpty)
        #expect(splitter.feed("\\timing\n") == [.metaCommand(.init(name: "timing", arguments: "", text: "\\timing", line: 2))])
        #expect(splitter.continuation == .statement)
        #expect(splitter.feed("+ 1;\n") == [.statement(.init(text: "SELECT 1\n+ 1;", line: 1))])
    }

    @Test func backslashesInsideStatementsAreNotMetaCommands() {
        #expect(statements(split("SELECT '\\x';")) == ["SELECT '\\x';"])
        #expect(statements(split("SELECT 'a\n\\x';")) == ["SELECT 'a\n\\x';"])
        #expect(statements(split("SELECT 1 \\x;")) == ["SELECT 1 \\x;"])
    }

    @Test func variableReferencesAreFoundOutsideLiterals() {
        let items = split("SELECT :a, :'b', :\"c\", x::int, ':d', \":e\" -- :f\n;")
        guard case let .statement(statement)? = items.first else {
            Issue.record("no statement")
            return
        }
        #expect(statement.variableReferences == [
            .init(name: "a", quoting: .none, range: 7..<9),
            .init(name: "b", quoting: .literal, range: 11..<15),
            .init(name: "c", quoting: .identifier, range: 17..<21),
        ])
    }

    @Test func discardingForgetsPendingInputButKeepsCountingLines() {
        var splitter = StatementSplitter()
        _ = splitter.feed("SELECT 'unfinished\n")
        splitter.discardPendingInput()
        #expect(splitter.continuation == .none)
        #expect(!splitter.hasPendingInput)
        #expect(splitter.feed("SELECT 2;\n") == [.statement(.init(text: "SELECT 2;", line: 2))])
    }

    @Test func feedingOneCharacterAtATimeGivesTheSameItems() {
        let script = """
            -- set-up
            \\set uri 'mongodb://x'
            CREATE POOL p URI :'uri' /* a /* nested */ comment; */;
            SELECT E'a\\'b;', "q;""x", 'it''s' -- trailing;
            FROM t WHERE (a = ';');
            \\x auto
            SELECT 1
            """
        let whole = split(script)
        var splitter = StatementSplitter()
        var pieces: [StatementSplitter.Item] = []
        for character in script { pieces += splitter.feed(String(character)) }
        pieces += splitter.finish()
        #expect(pieces == whole)
        #expect(whole.count == 5)
    }

    @Test func carriageReturnLineEndsAreHandled() {
        #expect(split("\\x on\r\nSELECT 1;\r\n") == [
            .metaCommand(.init(name: "x", arguments: "on", text: "\\x on", line: 1)),
            .statement(.init(text: "SELECT 1;", line: 2)),
        ])
    }
}

@Suite("StatementSplitter with arbitrary input")
struct StatementSplitterRobustnessTests {
    /// A small deterministic generator, so a failure can be reproduced.
    struct SplitMix: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    @Test func randomInputNeverCrashesAndDoesNotDependOnChunking() {
        let alphabet: [String] = ["'", "\"", ";", "-", "/", "*", "\\", "\n", "\r", " ", "(", ")", ":", "E", "e", "x", "1", "é", "日", "\t", "$"]
        var random = SplitMix(state: 42)
        for _ in 0..<300 {
            let length = Int.random(in: 0..<80, using: &random)
            let text = (0..<length).map { _ in alphabet.randomElement(using: &random) ?? "" }.joined()
            var whole = StatementSplitter()
            let wholeItems = whole.feed(text) + whole.finish()
            var chunked = StatementSplitter()
            var chunkedItems: [StatementSplitter.Item] = []
            var rest = Substring(text)
            while !rest.isEmpty {
                let size = Int.random(in: 1...5, using: &random)
                chunkedItems += chunked.feed(String(rest.prefix(size)))
                rest = rest.dropFirst(size)
            }
            chunkedItems += chunked.finish()
            #expect(chunkedItems == wholeItems, "input: \(text.debugDescription)")
            #expect(!whole.hasPendingInput)
        }
    }
}
