/// The address of one MongoDB server, `host:port`, as SDAM and CMAP name it.
public struct ServerAddress: Hashable, Sendable, CustomStringConvertible {
    public var host: String
    public var port: Int

    public init(host: String, port: Int = 27017) {
        self.host = host.lowercased()
        self.port = port
    }

    /// Parses `host`, `host:port` or `[ipv6]:port`; nil when the port is not a number.
    public init?(parsing text: String) {
        if text.hasPrefix("["), let close = text.firstIndex(of: "]") {
            let host = String(text[text.index(after: text.startIndex)..<close])
            let rest = text[text.index(after: close)...]
            if rest.isEmpty { self.init(host: host); return }
            guard rest.hasPrefix(":"), let port = Int(rest.dropFirst()) else { return nil }
            self.init(host: host, port: port)
            return
        }
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        switch parts.count {
        case 1: self.init(host: text)
        case 2:
            guard let port = Int(parts[1]) else { return nil }
            self.init(host: String(parts[0]), port: port)
        default: return nil
        }
    }

    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}
