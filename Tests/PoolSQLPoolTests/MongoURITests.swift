import PoolSQLCore
import PoolSQLPool
import Testing

@Suite("MongoURI parsing and redaction")
struct MongoURITests {
    @Test func parsesHostsAndOptions() throws {
        let uri = try MongoURI("mongodb://alice:s3cret@db1.example:27018,db2.example/app?maxPoolSize=7&minPoolSize=2&maxConnecting=3&appName=Billing%20App&readPreference=secondaryPreferred&waitQueueTimeoutMS=250")
        #expect(uri.hosts == ["db1.example:27018", "db2.example:27017"])
        #expect(uri.username == "alice")
        #expect(uri.hasPassword)
        #expect(uri.database == "app")
        #expect(uri.options["maxpoolsize"] == "7")
        #expect(uri.options["minpoolsize"] == "2")
        #expect(uri.options["maxconnecting"] == "3")
        #expect(uri.options["appname"] == "Billing App")
        #expect(uri.options["readpreference"] == "secondaryPreferred")
        #expect(uri.options["waitqueuetimeoutms"] == "250")
    }

    @Test func redactsThePassword() throws {
        let uri = try MongoURI("mongodb://alice:s3cret@db1.example:27017/app?appName=x")
        #expect(uri.redacted == "mongodb://alice:****@db1.example:27017/app?appName=x")
        #expect(!uri.description.contains("s3cret"))
        #expect(!uri.debugDescription.contains("s3cret"))
        var dumped = ""
        dump(uri, to: &dumped)
        #expect(!dumped.contains("s3cret"))
        #expect(!String(reflecting: uri).contains("s3cret"))
        #expect(!"\(uri)".contains("s3cret"))
    }

    @Test(arguments: [
        ("mongodb://bob:p%40ss%2Fw0rd@h1/", ["p%40ss%2Fw0rd", "p@ss/w0rd"]),
        ("mongodb://bob:sec@ret@h1/?appName=a@b", ["sec@ret"]),
        ("mongodb://bob:hunter2@h1/?tlsCertificateKeyFilePassword=keypass99", ["hunter2", "keypass99"]),
    ])
    func redactsAwkwardPasswords(text: String, secrets: [String]) throws {
        let uri = try MongoURI(text)
        for secret in secrets {
            #expect(!uri.redacted.contains(secret), "\(secret) in \(uri.redacted)")
            #expect(!uri.options.values.contains(secret))
        }
        #expect(uri.redacted.contains("bob:****@h1"))
    }

    @Test func uriWithoutCredentialsIsUnchanged() throws {
        let uri = try MongoURI("mongodb://127.0.0.1:27017/?serverSelectionTimeoutMS=1000")
        #expect(uri.redacted == "mongodb://127.0.0.1:27017/?serverSelectionTimeoutMS=1000")
        #expect(uri.username == nil)
        #expect(!uri.hasPassword)
        #expect(uri.options["serverselectiontimeoutms"] == "1000")
    }

    @Test(arguments: [
        "http://carol:hunter2@db.example/",
        "mongodb://carol:hunter2@/nohost",
        "mongodb://carol:hunter2@db.example/?maxPoolSize=lots",
        "mongodb://carol:hunter2@db.example/?readPreference=bogus",
        "mongodb://carol:hunter2@db.example:99999/",
        "",
    ])
    func badURIIsInvalidParameterValue(text: String) {
        do {
            _ = try MongoURI(text)
            Issue.record("accepted \(text)")
        } catch let error as PoolSQLError {
            #expect(error.code == .invalidParameterValue)
            #expect(error.message.hasPrefix("invalid MongoDB URI: "))
            #expect(error.message.count > "invalid MongoDB URI: ".count)
            #expect(!error.rendered(source: nil).contains("hunter2"), "\(error.rendered(source: nil))")
            #expect(!String(describing: error).contains("hunter2"))
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    @Test func libmongocMessageIsKept() {
        #expect(throws: PoolSQLError(.invalidParameterValue, "invalid MongoDB URI: Unsupported value for \"maxpoolsize\": \"lots\"",
                                     detail: "URI: mongodb://carol:****@db.example/?maxPoolSize=lots",
                                     hint: "expected mongodb://[user:password@]host[:port][,host…][/database][?option=value&…]")) {
            try MongoURI("mongodb://carol:hunter2@db.example/?maxPoolSize=lots")
        }
    }
}
