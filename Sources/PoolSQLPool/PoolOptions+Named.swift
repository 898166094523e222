import PoolSQLCore

extension PoolOptions {
    /// The lower-cased option names a pool understands, as they appear in URIs and in
    /// `CREATE POOL … WITH (…)`.
    public static let optionNames: [String] = [
        "minpoolsize", "maxpoolsize", "maxidletimems", "waitqueuetimeoutms", "serverselectiontimeoutms",
        "maxconnecting", "connecttimeoutms", "sockettimeoutms", "heartbeatfrequencyms", "appname",
        "readpreference", "healthcheckintervalms", "readconcernlevel", "w", "journal", "retrywrites",
        "retryreads", "compressors", "tls", "ssl", "tlscafile", "tlscertificatekeyfile",
        "tlsallowinvalidcertificates", "tlsallowinvalidhostnames", "tlsinsecure",
    ]

    /// A copy with the named options set from text values (names case-insensitive). Names that are
    /// not pool options are ignored, so a URI's whole option map can be passed (`tls`, `w`, …
    /// belong to the connection, not the pool); use `optionNames` to reject unknown names first
    /// where that is wanted. A value that does not parse is a 22023 error; the result is not
    /// validated as a whole (call `validate()`).
    public func applying(_ named: [String: String]) throws -> PoolOptions {
        var result = self
        for (rawName, value) in named {
            let name = rawName.lowercased()
            func integer() throws -> Int {
                guard let number = Int(value.trimmingSpaces()) else {
                    throw PoolSQLError(.invalidParameterValue, "invalid value for option \(name): \"\(value)\"",
                                       hint: "\(name) takes a whole number")
                }
                return number
            }
            func boolean() throws -> Bool {
                switch value.trimmingSpaces().lowercased() {
                case "true", "on", "yes", "1": return true
                case "false", "off", "no", "0": return false
                default:
                    throw PoolSQLError(.invalidParameterValue, "invalid value for option \(name): \"\(value)\"",
                                       hint: "\(name) takes true or false")
                }
            }
            func text() -> String? {
                let trimmed = value.trimmingSpaces()
                return trimmed.isEmpty ? nil : trimmed
            }
            switch name {
            case "minpoolsize": result.minPoolSize = try integer()
            case "maxpoolsize": result.maxPoolSize = try integer()
            case "maxidletimems": result.maxIdleTimeMS = try integer()
            case "waitqueuetimeoutms": result.waitQueueTimeoutMS = try integer()
            case "serverselectiontimeoutms": result.serverSelectionTimeoutMS = try integer()
            case "maxconnecting": result.maxConnecting = try integer()
            case "connecttimeoutms": result.connectTimeoutMS = try integer()
            case "sockettimeoutms": result.socketTimeoutMS = try integer()
            case "heartbeatfrequencyms": result.heartbeatFrequencyMS = try integer()
            case "healthcheckintervalms": result.healthCheckIntervalMS = try integer()
            case "readconcernlevel": result.readConcernLevel = text()
            case "w": result.writeConcernW = text()
            case "journal": result.journal = try boolean()
            case "retrywrites": result.retryWrites = try boolean()
            case "retryreads": result.retryReads = try boolean()
            case "compressors": result.compressors = text()?.lowercased()
            case "tls", "ssl": result.tls = try boolean()
            case "tlscafile": result.tlsCAFile = text()
            case "tlscertificatekeyfile": result.tlsCertificateKeyFile = text()
            case "tlsallowinvalidcertificates": result.tlsAllowInvalidCertificates = try boolean()
            case "tlsallowinvalidhostnames": result.tlsAllowInvalidHostnames = try boolean()
            case "tlsinsecure":
                let insecure = try boolean()
                result.tlsAllowInvalidCertificates = insecure
                result.tlsAllowInvalidHostnames = insecure
            case "appname": result.appName = value.isEmpty ? nil : value
            case "readpreference":
                guard let mode = PoolOptions.canonicalReadPreference(value.trimmingSpaces()) else {
                    throw PoolSQLError(.invalidParameterValue, "invalid value for option readpreference: \"\(value)\"",
                                       hint: "use one of \(PoolOptions.readPreferenceModes.joined(separator: ", "))")
                }
                result.readPreference = mode
            default: continue
            }
        }
        return result
    }

    /// The options as lower-cased name → text value (nil `appName` omitted), the inverse of
    /// `applying(_:)`.
    public var named: [String: String] {
        var values: [String: String] = [
            "minpoolsize": String(minPoolSize), "maxpoolsize": String(maxPoolSize),
            "maxidletimems": String(maxIdleTimeMS), "waitqueuetimeoutms": String(waitQueueTimeoutMS),
            "serverselectiontimeoutms": String(serverSelectionTimeoutMS), "maxconnecting": String(maxConnecting),
            "connecttimeoutms": String(connectTimeoutMS), "sockettimeoutms": String(socketTimeoutMS),
            "heartbeatfrequencyms": String(heartbeatFrequencyMS), "readpreference": readPreference,
            "healthcheckintervalms": String(healthCheckIntervalMS),
        ]
        if let appName { values["appname"] = appName }
        if let readConcernLevel { values["readconcernlevel"] = readConcernLevel }
        if let writeConcernW { values["w"] = writeConcernW }
        if let journal { values["journal"] = String(journal) }
        values["retrywrites"] = String(retryWrites)
        values["retryreads"] = String(retryReads)
        if let compressors { values["compressors"] = compressors }
        values["tls"] = String(tls)
        if let tlsCAFile { values["tlscafile"] = tlsCAFile }
        if let tlsCertificateKeyFile { values["tlscertificatekeyfile"] = tlsCertificateKeyFile }
        values["tlsallowinvalidcertificates"] = String(tlsAllowInvalidCertificates)
        values["tlsallowinvalidhostnames"] = String(tlsAllowInvalidHostnames)
        return values
    }

    /// Whether connections opened under `self` and under `other` would differ (settings baked
    /// into a libmongoc client when it is created). Pool-level settings (sizes, idle time, wait
    /// queue, health interval) are not part of this.
    func differsPerConnection(from other: PoolOptions) -> Bool {
        serverSelectionTimeoutMS != other.serverSelectionTimeoutMS || connectTimeoutMS != other.connectTimeoutMS
            || socketTimeoutMS != other.socketTimeoutMS || heartbeatFrequencyMS != other.heartbeatFrequencyMS
            || appName != other.appName || readPreference != other.readPreference
            || readConcernLevel != other.readConcernLevel || writeConcernW != other.writeConcernW
            || journal != other.journal || retryWrites != other.retryWrites || retryReads != other.retryReads
            || compressors != other.compressors || tls != other.tls || tlsCAFile != other.tlsCAFile
            || tlsCertificateKeyFile != other.tlsCertificateKeyFile
            || tlsAllowInvalidCertificates != other.tlsAllowInvalidCertificates
            || tlsAllowInvalidHostnames != other.tlsAllowInvalidHostnames
    }
}

extension String {
    fileprivate func trimmingSpaces() -> String {
        var text = Substring(self)
        while text.first?.isWhitespace == true { text.removeFirst() }
        while text.last?.isWhitespace == true { text.removeLast() }
        return String(text)
    }
}
