import DNSWire
import Publishing
import Testing

@Suite("ZoneClaims: who holds which name")
struct ZoneClaimsTests {
    func name(_ text: String) -> Name { try! Name(text) }

    @Test("a domain may not equal, lie below or lie above another domain; case does not matter")
    func domains() {
        let claims = ZoneClaims(catalog: nil)
        #expect(claims.claimDomain(name("custa.example.")) == nil)
        #expect(claims.claimDomain(name("CustA.Example."))?.overlap == .same)
        #expect(claims.claimDomain(name("mail.custa.example."))?.overlap == .below)
        #expect(claims.claimDomain(name("a.b.custa.example."))?.zone == name("custa.example."))
        #expect(claims.claimDomain(name("example."))?.overlap == .above)
        #expect(claims.claimDomain(name("other.example.")) == nil, "a sibling is fine")
        #expect(claims.holdsDomain(name("custa.example.")) && claims.holdsDomain(name("other.example.")))
        #expect(claims.releaseDomain(name("CUSTA.example.")))
        #expect(!claims.releaseDomain(name("custa.example.")), "released once")
        #expect(claims.claimDomain(name("mail.custa.example.")) == nil, "free once released")
        #expect(claims.claimDomain(name("example."))?.zone != nil, "still above other.example and mail.custa.example")
    }

    @Test("the count of names below an ancestor follows inserts and removes, so 'above' is found and then freed")
    func countsBelow() {
        let claims = ZoneClaims(catalog: nil)
        for child in ["a.x.example.", "b.x.example.", "c.d.x.example."] { #expect(claims.claimDomain(name(child)) == nil) }
        #expect(claims.conflictForDomain(name("x.example."))?.overlap == .above)
        #expect(claims.conflictForDomain(name("d.x.example."))?.zone == name("c.d.x.example."))
        for child in ["a.x.example.", "b.x.example."] { claims.releaseDomain(name(child)) }
        #expect(claims.conflictForDomain(name("x.example."))?.zone == name("c.d.x.example."))
        claims.releaseDomain(name("c.d.x.example."))
        #expect(claims.conflictForDomain(name("x.example.")) == nil)
        #expect(claims.conflictForDomain(name("example.")) == nil)
        #expect(![ "a.x.example.", "b.x.example.", "c.d.x.example."].contains { claims.holdsDomain(name($0)) })
    }

    @Test("checking a conflict claims nothing")
    func checkingClaimsNothing() {
        let claims = ZoneClaims(catalog: nil)
        #expect(claims.conflictForDomain(name("a.example.")) == nil)
        #expect(!claims.holdsDomain(name("a.example.")))
        #expect(claims.claimDomain(name("a.example.")) == nil)
        #expect(claims.holdsDomain(name("a.example.")))
    }

    @Test("files: refused when they overlap a domain, or are the catalog or below it; files may overlap files and hold the catalog's parent")
    func files() {
        let claims = ZoneClaims(catalog: name("catalog.wistfare.email."))
        #expect(claims.claimDomain(name("custa.example.")) == nil)
        let (refused, released) = claims.replaceFiles([
            (name("wistfare.email."), "/z/wistfare.email.zone"),
            (name("lab.wistfare.email."), "/z/lab.wistfare.email.zone"),
            (name("catalog.wistfare.email."), "/z/catalog.zone"),
            (name("x.catalog.wistfare.email."), "/z/x.zone"),
            (name("www.custa.example."), "/z/www.zone"),
            (name("example."), "/z/example.zone"),
        ])
        #expect(released.isEmpty)
        #expect(Set(refused.map(\.path)) == ["/z/catalog.zone", "/z/x.zone", "/z/www.zone", "/z/example.zone"])
        #expect(refused.first { $0.path == "/z/www.zone" }?.conflict.overlap == .below)
        #expect(refused.first { $0.path == "/z/example.zone" }?.conflict.description
            == "lies above the zone custa.example, a domain added through the API")
        #expect(claims.file(holding: name("WISTFARE.email.")) == "/z/wistfare.email.zone")
        #expect(claims.file(holding: name("lab.wistfare.email.")) != nil)
        // A domain below a file is refused and the message keeps the server's path to the log.
        let conflict = claims.claimDomain(name("x.lab.wistfare.email."))
        #expect(conflict?.description == "lies below the zone lab.wistfare.email, the zone file /z/lab.wistfare.email.zone")
        #expect(conflict?.publicDescription == "lies below the zone lab.wistfare.email, served from a zone file")
        // A new set releases the files that are gone.
        let second = claims.replaceFiles([(name("lab.wistfare.email."), "/z/lab.wistfare.email.zone")])
        #expect(second.released == [name("wistfare.email.")])
        #expect(claims.claimDomain(name("www.wistfare.email.")) == nil, "free once the file is gone")
        #expect(claims.claimDomain(name("x.lab.wistfare.email.")) != nil, "still below a file")
    }

    @Test("a file's path is given back as it was claimed, whether it is named as its zone or not")
    func filePaths() {
        let claims = ZoneClaims(catalog: nil)
        let files: [(Name, String)] = [
            (name("a.example."), "/srv/zones/a.example.zone"),
            (name("b.example."), "/srv/zones/b.example.zone"),
            (name("c.example."), "/srv/zones/C.Example.zone"),
            (name("d.example."), "/other/d.example.zone"),
            (name("e.example."), "e.example.zone"),
            (name("f.example."), "/srv/zones/f.example.zone.zone"),
            (name("g.example."), "/srv/zones/g.example..zone"),
            (name("."), "/srv/zones/..zone"),
        ]
        _ = claims.replaceFiles(files)
        for (origin, path) in files {
            #expect(claims.file(holding: origin) == path)
        }
        #expect(claims.claimDomain(name("x.b.example."))?.description
            == "lies below the zone b.example, the zone file /srv/zones/b.example.zone")
    }

    @Test("a domain may not be, lie below or lie above the catalog")
    func catalog() {
        let claims = ZoneClaims(catalog: name("catalog.invalid."))
        #expect(claims.claimDomain(name("catalog.invalid."))?.owner == .catalog)
        #expect(claims.claimDomain(name("zones.catalog.invalid."))?.overlap == .below)
        let above = ZoneClaims(catalog: name("cat.wist.example."))
        #expect(above.claimDomain(name("wist.example."))?.overlap == .above)
    }
}
