/// Hand-written splitting of a connection string into the pieces that must never be shown.
///
/// libmongoc validates URIs but offers no redacted form, and when it rejects a URI we have nothing
/// but the text; so the password is located by hand here. The splitter is deliberately lenient
/// (it must work on URIs libmongoc rejects).
enum URIRedaction {
    static let mask = "****"

    /// Query options whose values are secrets.
    static let secretOptions: Set<String> = [
        "tlscertificatekeyfilepassword", "sslclientcertificatekeypassword", "authmechanismproperties",
    ]

    struct Parts {
        let text: String
        /// `mongodb://` (or whatever precedes `://`, including the separator).
        var scheme: Substring = ""
        var username: Substring?
        /// The password exactly as written (still percent-encoded).
        var password: Substring?
        /// Hosts, path and query: everything after the `@` (or after the scheme without credentials).
        var rest: Substring

        init(_ text: String) {
            self.text = text
            guard let schemeEnd = text.firstRange(of: "://") else {
                rest = Substring(text)
                return
            }
            scheme = text[..<schemeEnd.upperBound]
            let afterScheme = text[schemeEnd.upperBound...]
            // The user info ends at the last `@` before the first `/` or `?` that follows the
            // first `@`: this keeps an unescaped `@` inside a password in the password, and an
            // `@` in the query (`appname=a@b`) out of it.
            guard let firstAt = afterScheme.firstIndex(of: "@") else {
                rest = afterScheme
                return
            }
            let authorityEnd = afterScheme[firstAt...].firstIndex(where: { $0 == "/" || $0 == "?" }) ?? afterScheme.endIndex
            let lastAt = afterScheme[..<authorityEnd].lastIndex(of: "@") ?? firstAt
            let userInfo = afterScheme[..<lastAt]
            rest = afterScheme[afterScheme.index(after: lastAt)...]
            if let colon = userInfo.firstIndex(of: ":") {
                username = userInfo[..<colon]
                password = userInfo[userInfo.index(after: colon)...]
            } else {
                username = userInfo
            }
        }

        /// The query string's `key=value` pairs (keys lower-cased, both sides percent-decoded).
        var rawQueryPairs: [(key: String, value: String)] {
            guard let question = rest.firstIndex(of: "?") else { return [] }
            let query = rest[rest.index(after: question)...]
            return query.split(whereSeparator: { $0 == "&" || $0 == ";" }).map { pair in
                if let equals = pair.firstIndex(of: "=") {
                    return (URIRedaction.percentDecoded(pair[..<equals]).lowercased(),
                            URIRedaction.percentDecoded(pair[pair.index(after: equals)...]))
                }
                return (URIRedaction.percentDecoded(pair).lowercased(), "")
            }
        }

        /// Options with secret values masked.
        var queryOptions: [String: String] {
            var options: [String: String] = [:]
            for (key, value) in rawQueryPairs {
                options[key] = URIRedaction.secretOptions.contains(key) ? URIRedaction.mask : value
            }
            return options
        }

        /// The secret strings of this URI, as written and percent-decoded.
        var secrets: [String] {
            var values: [String] = []
            if let password, !password.isEmpty {
                values.append(String(password))
                values.append(URIRedaction.percentDecoded(password))
            }
            guard let question = rest.firstIndex(of: "?") else { return values }
            for pair in rest[rest.index(after: question)...].split(whereSeparator: { $0 == "&" || $0 == ";" }) {
                guard let equals = pair.firstIndex(of: "=") else { continue }
                let key = URIRedaction.percentDecoded(pair[..<equals]).lowercased()
                let value = pair[pair.index(after: equals)...]
                if URIRedaction.secretOptions.contains(key), !value.isEmpty {
                    values.append(String(value))
                    values.append(URIRedaction.percentDecoded(value))
                }
            }
            // Longest first, so a secret that contains another is masked whole.
            return values.filter { !$0.isEmpty }.sorted { $0.count > $1.count }
        }

        /// `mongodb://user:****@host/…` with secret option values masked too.
        var redacted: String {
            var result = String(scheme)
            if let username {
                result += username
                if password != nil { result += ":" + URIRedaction.mask }
                result += "@"
            }
            var tail = String(rest)
            if let question = rest.firstIndex(of: "?") {
                let query = rest[rest.index(after: question)...]
                let pairs = query.split(separator: "&", omittingEmptySubsequences: false).map { pair -> String in
                    guard let equals = pair.firstIndex(of: "=") else { return String(pair) }
                    let key = URIRedaction.percentDecoded(pair[..<equals]).lowercased()
                    return URIRedaction.secretOptions.contains(key) ? "\(pair[..<equals])=\(URIRedaction.mask)" : String(pair)
                }
                tail = String(rest[...question]) + pairs.joined(separator: "&")
            }
            return result + tail
        }

        /// `message` with every secret of this URI replaced by `****`.
        func scrub(_ message: String) -> String {
            var result = message
            for secret in secrets { result = result.replacingAll(secret, with: URIRedaction.mask) }
            return result
        }
    }

    static func percentDecoded(_ text: some StringProtocol) -> String {
        var bytes: [UInt8] = []
        var utf8 = Array(text.utf8)[...]
        while let byte = utf8.popFirst() {
            if byte == UInt8(ascii: "%"), utf8.count >= 2,
               let high = hexValue(utf8[utf8.startIndex]), let low = hexValue(utf8[utf8.startIndex + 1]) {
                bytes.append(high << 4 | low)
                utf8 = utf8.dropFirst(2)
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    static func percentEncoded(_ text: String) -> String {
        let unreserved = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~".utf8)
        var result = ""
        for byte in text.utf8 {
            if unreserved.contains(byte) {
                result.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                let hex = String(byte, radix: 16, uppercase: true)
                result += "%" + (hex.count == 1 ? "0" + hex : hex)
            }
        }
        return result
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}

extension String {
    /// Every occurrence of `target` replaced (no Foundation needed).
    func replacingAll(_ target: String, with replacement: String) -> String {
        guard !target.isEmpty else { return self }
        var result = ""
        var remaining = self[...]
        while let range = remaining.firstRange(of: target) {
            result += remaining[..<range.lowerBound]
            result += replacement
            remaining = remaining[range.upperBound...]
        }
        return result + remaining
    }
}
