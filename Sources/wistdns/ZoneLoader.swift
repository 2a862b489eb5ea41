import AuthEngine
import DNSWire
import Logging
import Synchronization
import ZoneFile

/// Loads the zones folder into the zone store, beside zones published by other means (the domains API).
/// On a reload, a zone whose file fails keeps the content it had, an unchanged zone keeps its very object
/// (the new snapshot shares it), and a zone whose file is gone stops being served.
final class ZoneLoader: Sendable {
    let directory: String
    let store: ZoneStore
    let logger: Logger
    /// The origins the folder provided at the last load.
    private let staticOrigins = Mutex<Set<Name>>([])

    init(directory: String, store: ZoneStore, logger: Logger) {
        self.directory = directory
        self.store = store
        self.logger = logger
    }

    /// True when `origin` is served from a file of the folder.
    func isStatic(_ origin: Name) -> Bool {
        staticOrigins.withLock { $0.contains(origin.lowercased()) }
    }

    /// Reads the folder and publishes the result. Returns the number of zones that failed.
    @discardableResult
    func load() -> Int {
        let (parsed, errors) = ZoneFolder.load(directory: directory)
        var failed = Set<Name>()
        for error in errors {
            logger.error("\(error)")
            if let origin = try? ZoneFolder.origin(forFile: error.file) { failed.insert(origin.lowercased()) }
        }
        var loaded = 0, unchanged = 0
        store.update { previous in
            var next = previous
            var origins = Set<Name>()
            for file in parsed {
                let origin = file.origin.lowercased()
                origins.insert(origin)
                if let current = previous.zone(origin: origin), current.isBuilt(from: file.records) {
                    unchanged += 1
                    continue
                }
                do {
                    next = next.inserting(try Zone(origin: file.origin, records: file.records))
                    loaded += 1
                } catch {
                    logger.error("\(file.file): \(error)")
                    failed.insert(origin)
                }
            }
            staticOrigins.withLock { old in
                for origin in failed where old.contains(origin) {
                    if let kept = previous.zone(origin: origin) {
                        logger.warning("keeping the previous content of \(origin) (serial \(kept.serial))")
                        origins.insert(origin)
                    }
                }
                for origin in old.subtracting(origins) { next = next.removing(origin: origin) }
                old = origins
            }
            return next
        }
        logger.info("loaded \(directory): \(loaded) zones changed, \(unchanged) unchanged, \(failed.count) with errors")
        return failed.count
    }
}
