import AdminAPI
import DNSWire
import Foundation
import MailRecords

/// The domains API's JSON request bodies, decoded as the routes decode them (`JSONDecoder` into the request
/// types), then validated: the first octet chooses `POST /domains` (even) or `POST /domains/:id/mailboxes`
/// (odd). A name the validator accepts must be its own normal form, ASCII letters, digits, hyphens and dots, at
/// most 253 characters, and a valid DNS name; a local part it accepts must be its own normal form.
enum APIBodyHarness {
    private static let settings = ProviderSettings()

    static func run(_ input: UnsafeRawBufferPointer) -> String? {
        guard let mode = input.first else { return nil }
        let body = Data(UnsafeRawBufferPointer(rebasing: input[1...]))
        let decoder = JSONDecoder()
        if mode & 1 == 0 {
            guard let request = try? decoder.decode(AddDomainRequest.self, from: body),
                  let name = try? DomainNameValidator.normalize(request.name, settings: settings) else { return nil }
            guard (try? DomainNameValidator.normalize(name, settings: settings)) == name else {
                return "the normal form \(name) does not normalize to itself"
            }
            guard name.utf8.count <= 253, name.utf8.allSatisfy({ byte in
                (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x30 && byte <= 0x39) || byte == 0x2D || byte == 0x2E
            }) else { return "an accepted name with other characters: \(name)" }
            guard (try? Name(name + ".")) != nil else { return "an accepted name that is not a DNS name: \(name)" }
            return nil
        }
        guard let request = try? decoder.decode(AddMailboxRequest.self, from: body),
              let localPart = try? LocalPart.normalize(request.localPart) else { return nil }
        guard (try? LocalPart.normalize(localPart)) == localPart, localPart.utf8.count <= 64 else {
            return "the local part \(localPart) is not its own normal form"
        }
        return nil
    }
}
