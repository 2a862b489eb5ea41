import AuthEngine
import DNSWire
import Foundation
import Logging
import Notify
import Platform
import Publishing
import Storage
import Synchronization
import ZoneFile

/// Loads the zones folder into the zone store, beside zones published by other means (the domains API).
/// On a reload, a zone whose file fails keeps the content it had, an unchanged zone keeps its very object
/// (the new snapshot shares it), and a zone whose file is gone stops being served. Every zone that a load adds or
/// changes (so every zone at the first load) is announced to the secondaries through the notifier.
final class ZoneLoader: Sendable {
    let directory: String
    let store: ZoneStore
    let notifier: Notifier
    let logger: Logger
    /// Who holds which names: a file that overlaps a domain of the API or the catalog is refused there.
    let claims: ZoneClaims

    init(directory: String, store: ZoneStore, notifier: Notifier, logger: Logger, claims: ZoneClaims) {
        self.directory = directory
        self.store = store
        self.notifier = notifier
        self.logger = logger
        self.claims = claims
    }

    /// The last load: how many zones failed, and when it ended (seconds since 1970); nil before the first.
    let lastLoad = Mutex<(failures: Int, at: Double)?>(nil)
    /// A digest of the records each file's served zone was built from (`digest(of:)`), by lowercased origin: a
    /// reload tells an unchanged file by it.
    private let builtFrom = Mutex<[Name: Int]>([:])

    /// Reads the folder and publishes the result. Returns the number of zones that failed (refused files
    /// included).
    @discardableResult
    func load() -> Int {
        let failures = loadFolder()
        lastLoad.withLock { $0 = (failures, Double(SystemClock.wallMilliseconds()) / 1000) }
        return failures
    }

    private func loadFolder() -> Int {
        // Each file's digest, and the zone of each file not served yet (every file at the first load), made on every
        // core as the file is parsed, its records dropped at once: the heap never holds every file's records, and
        // the zones, built where the last file's records were, lie close together (building them after every file
        // was parsed left them spread over pages of freed records: twice the live heap stayed resident). A served
        // zone that changed is built in the snapshot update, with its history from the version served.
        let served = store.snapshot
        let (parsed, errors) = ZoneFolder.load(directory: directory, origin: \.origin) { paths, parse in
            Parallel.map(paths) { path in parse(path).map { LoadedFile($0, served: served) } }
        }
        if parsed.isEmpty, let error = errors.first(where: { $0.message == ZoneFolder.unlistableMessage }) {
            // Missing for a moment (a deploy moving it), or unreadable: every zone keeps what it had, and keeps its
            // name, rather than being withdrawn and left for a customer to claim.
            logger.error("\(error); every zone of the folder keeps its previous content")
            return 1
        }
        var failed = Set<Name>()
        for error in errors {
            logger.error("\(error)")
            if let origin = try? ZoneFolder.origin(forFile: error.file) { failed.insert(origin.lowercased()) }
        }
        var loaded: [Zone] = [], removed: [Name] = [], refusedCount = 0, unchanged = 0
        var digests = builtFrom.withLock { $0 }
        digests.reserveCapacity(parsed.count)
        store.update { previous in
            var next = previous
            // A file that fails keeps the content it had, and with it its claim.
            var candidates = parsed.map { (origin: $0.origin, path: $0.file) }
            for origin in failed {
                if let path = claims.file(holding: origin), let kept = previous.zone(origin: origin) {
                    logger.warning("keeping the previous content of \(origin) (serial \(kept.serial))")
                    candidates.append((origin, path))
                }
            }
            let (refused, released) = claims.replaceFiles(candidates)
            for file in refused {
                // The zone already served (a domain of the API, the catalog) keeps serving; the file is reported.
                logger.error("\(file.path): the zone \(file.origin) \(file.conflict); the file is ignored")
            }
            refusedCount = refused.count
            let refusedOrigins = Set(refused.map(\.origin))
            for file in parsed
                where !refusedOrigins.contains(file.origin.lowercased()) && !failed.contains(file.origin.lowercased()) {
                let origin = file.origin.lowercased()
                let old = previous.zone(origin: origin)
                if old != nil, digests[origin] == file.digest {
                    unchanged += 1
                    continue
                }
                do {
                    let zone: Zone
                    if let built = file.zone, old == nil {
                        zone = built
                    } else {
                        // The records, or those of the zone built from them when a zone of this name was served
                        // since the file was read: the change from it is kept for IXFR either way.
                        let records = file.records ?? file.zone!.records
                        zone = try Zone(origin: file.origin, records: records, history: history(to: records, from: old))
                    }
                    loaded.append(zone)
                    digests[origin] = file.digest
                } catch {
                    logger.error("\(file.file): \(error)")
                    failed.insert(origin)
                }
            }
            // At once: a folder's worth builds the set's table again rather than going in one by one.
            next.insert(contentsOf: loaded)
            removed = released
            for origin in removed {
                next = next.removing(origin: origin)
                digests[origin.lowercased()] = nil
            }
            return next
        }
        builtFrom.withLock { $0 = digests }
        for zone in loaded { notifier.zoneChanged(zone) }
        for origin in removed { notifier.zoneRemoved(origin: origin) }
        logger.info("loaded \(directory): \(loaded.count) zones changed, \(unchanged) unchanged, \(failed.count + refusedCount) with errors")
        return failed.count + refusedCount
    }

    /// What a load keeps of one parsed file: the zone, built at once when no zone of its origin is served, else
    /// (or when the build fails, to be reported in the update) the records.
    private struct LoadedFile: Sendable {
        let origin: Name
        let file: String
        /// `ZoneLoader.digest(of:)` of the records.
        let digest: Int
        let zone: Zone?
        let records: [Record]?

        init(_ parsed: ParsedZone, served: ZoneSet) {
            origin = parsed.origin
            file = parsed.file
            digest = ZoneLoader.digest(of: parsed.records)
            zone = served.zone(origin: parsed.origin) == nil ? try? Zone(origin: parsed.origin, records: parsed.records) : nil
            records = zone == nil ? parsed.records : nil
        }
    }

    /// A digest of records that does not depend on their order.
    static func digest(of records: [Record]) -> Int {
        var combined = 0
        for record in records {
            var hasher = Hasher()
            hasher.combine(record.name.lowercased())
            hasher.combine(record)
            combined = combined &+ hasher.finalize()
        }
        return combined ^ records.count
    }

    /// The change history of a zone file's new content: the old version's history plus the change from it, kept
    /// in memory only (after a restart, a secondary behind gets the whole zone). Empty when the serial did not
    /// go up, which secondaries would not notice either: that is logged.
    private func history(to records: [Record], from old: Zone?) -> [ZoneDelta] {
        guard let old, let change = ZoneDelta(from: old.records, to: records) else { return [] }
        guard SerialNumber(change.toSerial).isNewer(than: old.serial) else {
            logger.warning("\(old.origin) changed but its serial \(change.toSerial) is not newer than \(old.serial): secondaries will not transfer it")
            return []
        }
        let history = old.history + [change]
        let kept = JournalLimits().keptCount(newestFirst: history.reversed().map(\.size), zoneRecords: records.count)
        return Array(history.suffix(kept))
    }
}
