/// Splits the process's open-file limit between DNS over TCP and the API's connections, with room for everything
/// else (UDP sockets, listeners, SQLite, NOTIFY and verification sockets), so that no flood of one kind of client
/// can take the descriptors the other needs.
struct DescriptorBudget: Equatable {
    /// Descriptors kept for everything but client connections.
    static let others = 256

    var dnsTCP: Int
    var api: Int

    /// The requested caps when they fit `descriptors`; else the API gets at most a third of what is left after
    /// `others` and DNS over TCP the rest (each at least 16). With 1,024 descriptors: 256 API connections and 512
    /// DNS ones.
    static func split(descriptors: Int, dnsTCP: Int, api: Int) -> DescriptorBudget {
        let available = max(0, descriptors - others)
        guard dnsTCP + api > available else { return DescriptorBudget(dnsTCP: dnsTCP, api: api) }
        let apiShare = min(api, max(16, available / 3))
        return DescriptorBudget(dnsTCP: min(dnsTCP, max(16, available - apiShare)), api: apiShare)
    }
}
