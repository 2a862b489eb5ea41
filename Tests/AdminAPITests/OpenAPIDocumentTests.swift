import AdminAPI
import Foundation
import Testing

/// Keeps `docs/openapi.yaml` true: every route the server has is documented with its method, and every path
/// the document lists is served.
@Suite("docs/openapi.yaml describes the routes")
struct OpenAPIDocumentTests {
    static var document: String {
        get throws {
            let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                .deletingLastPathComponent().appendingPathComponent("docs/openapi.yaml")
            return try String(contentsOf: url, encoding: .utf8)
        }
    }

    /// `path -> methods` as the document lists them (two-space path keys, four-space method keys).
    static func documented() throws -> [String: Set<String>] {
        var result: [String: Set<String>] = [:]
        var current: String?
        for line in try document.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("  /"), line.hasSuffix(":") {
                current = String(line.dropFirst(2).dropLast())
                result[current!] = []
            } else if line.hasPrefix("components:") {
                current = nil
            } else if let path = current, line.hasPrefix("    "), !line.hasPrefix("     "), line.hasSuffix(":") {
                let key = line.trimmingCharacters(in: .whitespaces).dropLast()
                if ["get", "post", "put", "patch", "delete"].contains(String(key)) { result[path]?.insert(key.uppercased()) }
            }
        }
        return result
    }

    @Test func routesMatchTheDocument() throws {
        let documented = try Self.documented()
        var served: [String: Set<String>] = [:]
        for route in Routes.all {
            let path = route.path.split(separator: "/").map { $0.hasPrefix(":") ? "{\($0.dropFirst())}" : String($0) }
            served["/" + path.joined(separator: "/"), default: []].insert(route.method.rawValue)
        }
        #expect(documented == served)
    }

    @Test("every error code in the API's sources is listed in the document")
    func errorCodes() throws {
        let document = try Self.document
        let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Sources")
        var codes = Set<String>()
        for target in ["AdminAPI", "MailRecords"] {
            let folder = sources.appendingPathComponent(target)
            for file in try FileManager.default.contentsOfDirectory(atPath: folder.path) where file.hasSuffix(".swift") {
                let text = try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)
                for match in text.matches(of: /code: "([a-z_]+)"/) { codes.insert(String(match.1)) }
            }
        }
        #expect(codes.count >= 10)
        for code in codes.sorted() {
            #expect(document.contains(code), "\(code) is not documented")
        }
    }
}
