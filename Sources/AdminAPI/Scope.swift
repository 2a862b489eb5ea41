/// What an API key may do.
public enum Scope: String, CaseIterable, Sendable {
    /// List, add, verify and delete domains.
    case domainsManage = "domains:manage"
    /// List and add mailboxes.
    case mailboxesManage = "mailboxes:manage"
    /// Read the domains' DKIM private keys, one domain at a time or exported for signers (OpenDKIM, Rspamd).
    /// No key has it unless granted: it hands out the keys that sign the customers' mail.
    case dkimRead = "dkim:read"

    /// The scopes of a stored, space-separated scope list; unknown words are ignored.
    static func parse(_ list: String) -> Set<Scope> {
        Set(list.split(separator: " ").compactMap { Scope(rawValue: String($0)) })
    }
}
