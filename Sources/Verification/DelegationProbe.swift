import DNSWire

/// Finds the parent zone of a domain through the resolvers and asks the parent's own servers for the domain's NS
/// set.
///
/// The parent's server addresses come from DNS data a customer may control, so only those `targets` allows are
/// asked (globally routable unicast by default; only loopback when every resolver is, so a test setup never sends
/// a packet off the machine). A parent zone that WistDNS serves itself never proves a delegation: it is ours,
/// not the customer's registrar's.
struct DelegationProbe: Sendable {
    let resolvers: [ResolverAddress]
    let client: StubResolver
    let parentPort: UInt16
    let targets: ProbeTargets
    /// True for a zone WistDNS serves.
    let isOwnZone: @Sendable (Name) -> Bool
    /// At most this many parent servers are tried, and this many parent NS names are looked up.
    let limit = 4

    func check(domain: String, expected: [String]) async -> DelegationCheck {
        guard let name = NameText.absolute(domain), !name.isRoot else {
            return result(expected, detail: "'\(domain)' is not a domain name that can be delegated")
        }
        let resolverNS = await askResolvers(name, .ns).map { DelegationProbe.nsNames($0.answers, owner: name) } ?? []
        guard let parent = await findParentZone(of: name) else {
            return result(expected, resolverNS: resolverNS, fromResolvers: true,
                          detail: "the parent zone could not be found through the resolvers")
        }
        let parentText = DelegationProbe.text(parent)
        if isOwnZone(parent) {
            return result(expected, parentZone: parentText, resolverNS: resolverNS, fromResolvers: true, refused: true,
                          detail: "the parent zone \(parentText) is served by WistDNS itself: a delegation must come "
                              + "from a parent zone served elsewhere")
        }
        let parentNames = await askResolvers(parent, .ns).map { DelegationProbe.nsNames($0.answers, owner: parent) } ?? []
        var addresses: [ResolverAddress] = []
        for nsName in parentNames.prefix(limit) {
            guard let nsName = NameText.absolute(nsName) else { continue }
            for type in [RecordType.a, .aaaa] {
                guard let response = await askResolvers(nsName, type) else { continue }
                addresses += response.answers.compactMap { DelegationProbe.address($0.rdata, port: parentPort) }
            }
        }
        let allowed = addresses.filter(targets.allows)
        let skipped = addresses.count - allowed.count
        for server in allowed.prefix(limit) {
            guard let response = try? await client.query(name, .ns, server: server, recursionDesired: false) else { continue }
            let parentNS = DelegationProbe.nsNames(response.answers + response.authority, owner: name)
            return result(expected, parentZone: parentText, parentServers: [server.description],
                          resolverNS: resolverNS, parentNS: parentNS, fromResolvers: false,
                          detail: "parent zone \(parentText.isEmpty ? "." : parentText) at \(server) lists "
                              + (parentNS.isEmpty ? "no NS for the domain" : parentNS.joined(separator: ", ")))
        }
        let why = addresses.isEmpty ? "no address found for the parent's nameservers"
            : skipped == addresses.count ? (targets == .loopbackOnly
                ? "the parent's servers are not on loopback (resolvers are loopback only)"
                : "the parent's servers have no globally routable address (private, loopback and other special addresses are never probed)")
            : "no parent server answered"
        return result(expected, parentZone: parentText, resolverNS: resolverNS, fromResolvers: true,
                      detail: "\(why); judged by the resolvers' NS set")
    }

    private func result(_ expected: [String], parentZone: String? = nil, parentServers: [String] = [],
                        resolverNS: [String] = [], parentNS: [String] = [], fromResolvers: Bool = true,
                        refused: Bool = false, detail: String) -> DelegationCheck {
        let basis = fromResolvers ? resolverNS : parentNS
        let delegated = !refused && !expected.isEmpty && expected.allSatisfy(basis.contains)
        return DelegationCheck(expected: expected, parentZone: parentZone, parentServers: parentServers,
                               resolverNS: resolverNS, parentNS: parentNS, delegated: delegated, detail: detail)
    }

    /// Walks up from the domain's parent with SOA queries; an SOA in the authority section names the enclosing
    /// zone directly. Nil when no resolver answers.
    private func findParentZone(of name: Name) async -> Name? {
        var candidate = name.parent
        while let current = candidate {
            guard let response = await askResolvers(current, .soa) else { return nil }
            if response.answers.contains(where: { $0.type == .soa && $0.name.lowercased() == current.lowercased() }) {
                return current
            }
            if let owner = response.authority.first(where: { $0.type == .soa })?.name, current.isSubdomain(of: owner),
               owner.lowercased() != name.lowercased() {
                return owner
            }
            candidate = current.parent
        }
        return nil
    }

    /// The first response from the resolvers in order (RD set), or nil when none answers.
    private func askResolvers(_ name: Name, _ type: RecordType) async -> Message? {
        for resolver in resolvers {
            if let response = try? await client.query(name, type, server: resolver, recursionDesired: true) {
                return response
            }
        }
        return nil
    }

    /// NS targets owned by `owner`, lowercased, no trailing dot, sorted, without duplicates.
    static func nsNames(_ records: [Record], owner: Name) -> [String] {
        let names = records.compactMap { record -> String? in
            guard record.type == .ns, record.name.lowercased() == owner.lowercased(),
                  case .ns(let target) = record.rdata else { return nil }
            return text(target)
        }
        return Array(Set(names)).sorted()
    }

    /// A name lowercased without the trailing dot ("" for the root).
    static func text(_ name: Name) -> String {
        name.isRoot ? "" : RecordComparison.host(name.description)
    }

    /// The address in an A or AAAA record.
    static func address(_ rdata: RData, port: UInt16) -> ResolverAddress? {
        switch rdata {
        case .a(let octets): ResolverAddress(family: .ipv4, octets: octets, port: port)
        case .aaaa(let octets): ResolverAddress(family: .ipv6, octets: octets, port: port)
        default: nil
        }
    }
}
