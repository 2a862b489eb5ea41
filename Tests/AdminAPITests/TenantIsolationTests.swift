import AdminAPI
import DNSWire
import Foundation
import Logging
import MailRecords
import Storage
import Testing

/// Issue 10: no customer can take over another's names, and no stored domain can stop the others.
@Suite("Tenant isolation: names equal to, below or above a served zone are refused", .serialized)
struct TenantIsolationTests {
    func add(_ api: APITestHarness, _ name: String) async throws -> APITestHarness.Response {
        try await api.request("POST", "/api/v1/domains", body: #"{"name": "\#(name)"}"#)
    }

    func message(_ response: APITestHarness.Response) -> String {
        (response.json["error"] as? [String: Any])?["message"] as? String ?? ""
    }

    @Test("a name below another customer's domain gets 409 domain_conflict naming it; the first is untouched")
    func belowAnotherDomain() async throws {
        let api = try await APITestHarness()
        let first = try await add(api, "custa.example")
        #expect(first.status == 201)
        let before = api.publisher.records("custa.example.")
        for name in ["mail.custa.example", "a.b.custa.example", "MAIL.CustA.example."] {
            let response = try await add(api, name)
            #expect(response.status == 409, "\(name)")
            #expect(response.errorCode == "domain_conflict")
            #expect(message(response).contains("lies below the zone custa.example, a domain added through the API"))
        }
        #expect(try api.domainCount() == 1)
        #expect(api.publisher.zones.withLock { Array($0.keys) } == [try Name("custa.example.")])
        #expect(api.publisher.records("custa.example.") == before)
    }

    @Test("a name above another customer's domain gets 409 too")
    func aboveAnotherDomain() async throws {
        let api = try await APITestHarness()
        #expect(try await add(api, "shop.custb.example").status == 201)
        let response = try await add(api, "custb.example")
        #expect(response.status == 409)
        #expect(response.errorCode == "domain_conflict")
        #expect(message(response).contains("lies above the zone shop.custb.example"))
        #expect(try api.domainCount() == 1)
    }

    @Test("names equal to, below or above a zone file or the catalog are refused; the message never shows a server path", arguments: [
        ("d00001.example.test", "is the zone d00001.example.test, served from a zone file"),
        ("x.d00001.example.test", "lies below the zone d00001.example.test, served from a zone file"),
        ("example.test", "lies above the zone d00001.example.test, served from a zone file"),
        ("zones.catalog.invalid", "lies below the zone catalog.invalid, the catalog zone"),
        ("cat.example", "lies above the zone x.cat.example, the catalog zone"),
    ])
    func otherOwners(name: String, expected: String) async throws {
        let catalog = try Name(name == "cat.example" ? "x.cat.example." : "catalog.invalid.")
        let publisher = RecordingPublisher(staticZones: [try Name("d00001.example.test.")], catalog: catalog)
        let api = try await APITestHarness(publisher: publisher)
        let response = try await add(api, name)
        #expect(response.status == 409)
        #expect(response.errorCode == "domain_conflict")
        #expect(message(response).contains(expected), "\(message(response))")
        #expect(!message(response).contains("/srv/zones"))
        #expect(try api.domainCount() == 0)
        #expect(publisher.zones.withLock { $0.isEmpty })
        #expect(!publisher.claims.holdsDomain(try Name(name + ".")), "a refused add holds no name")
    }

    @Test("two concurrent adds of a name and a name below it: exactly one succeeds, every time")
    func concurrentOverlappingAdds() async throws {
        let api = try await APITestHarness()
        for round in 0 ..< 12 {
            let parent = "r\(round).example", child = "b.r\(round).example"
            async let a = add(api, parent)
            async let b = add(api, child)
            let statuses = [try await a.status, try await b.status].sorted()
            #expect(statuses == [201, 409], "round \(round): \(statuses)")
        }
        #expect(try api.domainCount() == 12)
        #expect(api.publisher.zones.withLock { $0.count } == 12)
    }

    @Test("deleting a domain frees its name for a name above or below it")
    func deleteReleases() async throws {
        let api = try await APITestHarness()
        let first = try await add(api, "custc.example")
        let id = try #require(first.json["id"] as? String)
        #expect(try await add(api, "mail.custc.example").status == 409)
        #expect(try await api.request("DELETE", "/api/v1/domains/\(id)").status == 200)
        #expect(try await add(api, "mail.custc.example").status == 201)
        #expect(api.publisher.zones.withLock { Array($0.keys) } == [try Name("mail.custc.example.")])
    }

    @Test("a name whose DKIM owner would pass 255 octets gets 422 and leaves no serial behind")
    func generatedNameTooLong() async throws {
        let api = try await APITestHarness()
        let label = String(repeating: "a", count: 63)
        let name = [label, label, label, String(repeating: "b", count: 50)].joined(separator: ".")
        for _ in 0 ..< 3 {
            let response = try await add(api, name)
            #expect(response.status == 422)
            #expect(response.errorCode == "invalid_domain_name")
            #expect(message(response).contains("at most 233 characters"))
        }
        #expect(try api.domainCount() == 0)
        #expect(try api.database.lastSerial(name: name) == nil, "a refused add hands out no serial")
    }

    @Test("when serving fails after the domain was stored, the add is taken back whole: row, serial, claim")
    func failedPublishChangesNothing() async throws {
        let api = try await APITestHarness()
        // An earlier life of the name: added and deleted, so its serial row exists.
        let earlier = try await add(api, "again.example")
        let serial = try #require(try api.database.lastSerial(name: "again.example"))
        #expect(try await api.request("DELETE", "/api/v1/domains/\(earlier.json["id"] as? String ?? "")").status == 200)

        api.publisher.failure.withLock { $0 = StorageError.other("disk full") }
        for name in ["again.example", "fresh.example"] {
            let response = try await add(api, name)
            #expect(response.status == 500)
            #expect(response.errorCode == "internal_error")
        }
        #expect(try api.domainCount() == 0)
        #expect(try api.database.lastSerial(name: "again.example") == serial, "the serial is what it was")
        #expect(try api.database.lastSerial(name: "fresh.example") == nil)
        #expect(try !["again.example.", "fresh.example."].contains { api.publisher.claims.holdsDomain(try Name($0)) })

        api.publisher.failure.withLock { $0 = nil }
        #expect(try await add(api, "fresh.example").status == 201, "the name was not left claimed")
    }

    @Test("at start-up a stored domain that overlaps a zone file, or whose zone cannot be built, is listed with serving false; the others are served")
    func startUpSkipsBadDomains() async throws {
        let database = try Database.inMemory()
        let label = String(repeating: "a", count: 63)
        // Stored before these checks existed: below a zone file, and a name that only fits the old selector.
        let long = [label, label, label, String(repeating: "c", count: 40)].joined(separator: ".")
        for (index, name) in ["x.d00001.example.test", long, "good.example"].enumerated() {
            let id = "dom_legacy\(index)"
            let row = DomainRow(id: id, name: name, createdAt: Int64(index), updatedAt: Int64(index))
            _ = try database.insertDomain(row, key: DKIMKeyRow(domainID: id, selector: "wistmail", algorithm: "rsa",
                                                               privateKeyPEM: "-", publicKey: "MIIB", createdAt: 0))
        }
        // Keys keep their selectors; a new Ed25519 selector, whose key every domain gets at start-up, is too long
        // for the long name.
        var settings = ProviderSettings()
        settings.dkimEd25519Selector = "a-much-longer-selector"
        let publisher = RecordingPublisher(staticZones: [try Name("d00001.example.test.")])
        let api = try await APITestHarness(publisher: publisher, settings: settings, database: database,
                                           publishStored: true)
        #expect(publisher.zones.withLock { Array($0.keys) } == [try Name("good.example.")])

        let list = try await api.request("GET", "/api/v1/domains")
        let domains = try #require(list.json["data"] as? [[String: Any]])
        let byName = Dictionary(uniqueKeysWithValues: domains.map { ($0["name"] as? String ?? "", $0) })
        #expect(byName["good.example"]?["serving"] as? Bool == true)
        #expect(byName["good.example"]?["problem"] is NSNull)
        #expect(byName["x.d00001.example.test"]?["serving"] as? Bool == false)
        #expect((byName["x.d00001.example.test"]?["problem"] as? String)?.contains("lies below the zone d00001.example.test, served from a zone file") == true)
        #expect(byName[long]?["serving"] as? Bool == false)
        #expect((byName[long]?["problem"] as? String)?.contains("cannot be built") == true)

        // The domain that cannot be built still holds its name; the one below a file holds nothing, and deleting
        // it withdraws nothing.
        let above = try await add(api, long.split(separator: ".").dropFirst().joined(separator: "."))
        #expect(above.status == 409 && message(above).contains("lies above the zone \(long)"))
        #expect(publisher.claims.holdsDomain(try Name(long + ".")))
        #expect(!publisher.claims.holdsDomain(try Name("x.d00001.example.test.")))
        #expect(try await api.request("DELETE", "/api/v1/domains/dom_legacy0").status == 200)
        #expect(publisher.claims.file(holding: try Name("d00001.example.test.")) != nil)
    }

    @Test("a stored domain a zone file kept out is served again after the reload that removes the file")
    func servedAgainWhenTheFileGoes() async throws {
        let database = try Database.inMemory()
        let row = DomainRow(id: "dom_back", name: "x.d00001.example.test", createdAt: 0, updatedAt: 0)
        _ = try database.insertDomain(row, key: DKIMKeyRow(domainID: "dom_back", selector: "wistmail", algorithm: "rsa",
                                                           privateKeyPEM: "-", publicKey: "MIIB", createdAt: 0))
        let publisher = RecordingPublisher(staticZones: [try Name("d00001.example.test.")])
        let api = try await APITestHarness(publisher: publisher, database: database, publishStored: true)
        var silent = Logger(label: "test")
        silent.logLevel = .critical
        #expect(try await api.service.republishUnserved(logger: silent) == 0, "the file is still there")
        #expect(try await api.request("GET", "/api/v1/domains/dom_back").json["serving"] as? Bool == false)

        _ = publisher.claims.replaceFiles([])  // the reload after the file was removed
        #expect(try await api.service.republishUnserved(logger: silent) == 1)
        let domain = try await api.request("GET", "/api/v1/domains/dom_back").json
        #expect(domain["serving"] as? Bool == true && domain["problem"] is NSNull)
        #expect(publisher.records("x.d00001.example.test.") != nil)
        #expect(publisher.claims.holdsDomain(try Name("x.d00001.example.test.")))
    }

    @Test("of two stored domains that overlap, the older is served; the other still holds its name once the older goes")
    func storedOverlapsOldestFirst() async throws {
        let database = try Database.inMemory()
        // Stored before the overlap check: the victim first, then a name below it that sorts before it.
        for (index, name) in ["x.example", "a.x.example"].enumerated() {
            let id = "dom_pair\(index)"
            let row = DomainRow(id: id, name: name, createdAt: Int64(index), updatedAt: Int64(index))
            _ = try database.insertDomain(row, key: DKIMKeyRow(domainID: id, selector: "wistmail", algorithm: "rsa",
                                                               privateKeyPEM: "-", publicKey: "MIIB", createdAt: 0))
        }
        let publisher = RecordingPublisher()
        let api = try await APITestHarness(publisher: publisher, database: database, publishStored: true)
        #expect(publisher.zones.withLock { Array($0.keys) } == [try Name("x.example.")], "the older domain is served")
        let newer = try await api.request("GET", "/api/v1/domains/dom_pair1")
        #expect(newer.json["serving"] as? Bool == false)
        #expect((newer.json["problem"] as? String)?.contains("lies below the zone x.example") == true)

        #expect(try await api.request("DELETE", "/api/v1/domains/dom_pair0").status == 200)
        // a.x.example is not served, but it is still a customer's: nothing may be added below or above it.
        for name in ["b.a.x.example", "x.example", "a.x.example"] {
            let response = try await add(api, name)
            #expect(response.status == 409, "\(name)")
            #expect(response.errorCode == (name == "a.x.example" ? "domain_exists" : "domain_conflict"))
        }
        #expect(publisher.zones.withLock { $0.isEmpty })
    }
}
