import AuthEngine
import DNSWire
import Logging
import ZoneFile

/// Loads the zones folder into the zone store. A zone whose file fails to load is reported and, on a reload,
/// keeps the content it had before; the other zones load as usual.
struct ZoneLoader {
    let directory: String
    let store: ZoneStore
    let logger: Logger

    /// Reads the folder and publishes the result. Returns the number of files that failed.
    @discardableResult
    func load() -> Int {
        let (parsed, errors) = ZoneFolder.load(directory: directory)
        var failedOrigins = Set<Name>()
        for error in errors {
            logger.error("\(error)")
            if let origin = try? ZoneFolder.origin(forFile: error.file) { failedOrigins.insert(origin.lowercased()) }
        }
        var zones: [Zone] = []
        for file in parsed {
            do {
                zones.append(try Zone(origin: file.origin, records: file.records))
            } catch {
                logger.error("\(file.file): \(error)")
                failedOrigins.insert(file.origin.lowercased())
            }
        }
        store.update { previous in
            var next = ZoneSet(zones)
            // A zone that failed to reload keeps serving its previous content.
            for origin in failedOrigins {
                if let kept = previous.zone(origin: origin) {
                    logger.warning("keeping the previous content of \(origin) (serial \(kept.serial))")
                    next = next.inserting(kept)
                }
            }
            return next
        }
        logger.info("loaded \(zones.count) zones from \(directory), \(failedOrigins.count) with errors")
        return failedOrigins.count
    }
}
