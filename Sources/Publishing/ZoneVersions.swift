import AuthEngine
import DNSWire
import Foundation
import Storage
import Synchronization

/// Gives generated zones (the API's domains, the catalog) serials and a change history that survive restarts,
/// so secondaries see every change as a newer serial and can follow it by IXFR.
///
/// The records a caller proposes carry an SOA whose serial is only a suggestion: a zone seen for the first time
/// keeps it; a zone whose records equal the last stored version keeps that version's serial; a zone whose records
/// changed gets the next serial (`zone_serials`), and the change is journaled in SQLite.
public struct ZoneVersions: Sendable {
    let database: Database
    let limits: JournalLimits
    /// The stored versions read ahead by `preloading`, while it runs (shared by the copies of this value).
    private let preloaded = ReadAhead()
    /// The first versions `preloading` writes in batches, while it runs.
    private let firstVersions = FirstVersions()

    public init(database: Database, limits: JournalLimits = JournalLimits()) {
        self.database = database
        self.limits = limits
    }

    /// Runs `body` (a start that serves every stored zone) with every stored version read ahead in one
    /// transaction, so that each zone's first `zone(...)` or `storedZone` finds its version in memory. The read runs on another
    /// thread while `body` begins (it reads the domains and claims their names); the first `zone(...)` waits for
    /// it. A version is taken from the read-ahead once: a later call reads the database again, as it may have
    /// changed since; so does every call when the read-ahead failed.
    ///
    /// Zones never stored before (the first start after an import or an upgrade) have their first versions
    /// written in transactions of `FirstVersions.batchSize` during the run, the rest when it ends, before it
    /// returns (so before the zones are served). A batch that cannot be written makes it throw at the end: those
    /// zones would be served without a stored version, and a later change would keep their serial.
    public func preloading<T>(_ body: () throws -> T) throws -> T {
        let database = self.database, preloaded = self.preloaded
        let reading = DispatchGroup()
        preloaded.begin(reading)
        DispatchQueue.global().async(group: reading) {
            preloaded.set(try? database.allZoneVersions())
        }
        defer {
            reading.wait()
            preloaded.set(nil)
        }
        firstVersions.begin()
        let result: T
        do {
            result = try body()
        } catch {
            try? firstVersions.end(database)
            throw error
        }
        try firstVersions.end(database)
        return result
    }

    /// The zone stored for `origin`: its stored version with the changes journaled since replayed (none when
    /// nothing is stored). A start serves every stored zone at once this way, before it generates any zone's
    /// records (see `matchStored`).
    public func storedZone(origin: Name, watch: QueryWatch? = nil) throws -> Zone? {
        enum Found {
            case zone(Zone?)
            case stored(StoredZoneVersion)
            case askTheDatabase
        }
        let found = try Self.withStorageName(origin) { name in
            try preloaded.take(name) { answer throws -> Found in
                switch answer {
                case .notStored: return .zone(nil)
                case .askTheDatabase: return .askTheDatabase
                case .read(let versions, let index):
                    // The read-ahead's octets read in place, into the zone (a domain's, the common case of a start).
                    return try versions.withVersion(at: index) { version in
                        guard ZoneChangeRow.changes(afterSerial: version.serial, in: version.changes).isEmpty else {
                            return .stored(versions.version(at: index))
                        }
                        return .zone(try Zone(origin: origin, recordList: version.records, watch: watch) { count in
                            try history(version.changes, zoneRecords: count)
                        })
                    }
                }
            }
        }
        let stored: StoredZoneVersion
        switch found {
        case .zone(let zone): return zone
        case .stored(let version): stored = version
        case .askTheDatabase:
            guard let read = try database.zoneVersion(name: Self.storageName(origin)) else { return nil }
            stored = read
        }
        guard ZoneChangeRow.changes(after: stored.version, in: stored.changes).isEmpty else {
            let last = try lastVersionAndHistory(stored)
            return try Zone(origin: origin, records: last.records, history: last.history, watch: watch)
        }
        return try stored.version.records.withUnsafeBytes { list in
            try Zone(origin: origin, recordList: list, watch: watch) { count in try history(stored.changes, zoneRecords: count) }
        }
    }

    /// The records of the last stored version of `origin` (the journal since replayed) and the history kept for it;
    /// nil when nothing is stored.
    public func storedRecords(origin: Name) throws -> (records: [Record], history: [ZoneDelta])? {
        guard let stored = try storedVersion(name: Self.storageName(origin)) else { return nil }
        return try lastVersionAndHistory(stored)
    }

    /// The records of `stored`'s last version (the journal since replayed) and the history kept for it.
    private func lastVersionAndHistory(_ stored: StoredZoneVersion) throws -> (records: [Record], history: [ZoneDelta]) {
        let records = try Self.lastVersion(stored)
        return (records, try history(stored, zoneRecords: records.count))
    }

    /// For each zone, whether `records` (with any SOA serial) are the version stored for `origin`: they encode,
    /// with its serial, to its stored bytes. False when nothing is stored, or changes were journaled since the
    /// stored version (a large zone's; never a domain's). One read for all of them.
    public func matchStored(_ zones: [(origin: Name, records: [Record])]) throws -> [Bool] {
        let stored = try database.zoneVersions(names: zones.map { Self.storageName($0.origin) })
        return zones.map { zone in
            guard let version = stored[Self.storageName(zone.origin)] else { return false }
            let serial = UInt32(truncatingIfNeeded: version.serial)
            let unchanged = ZoneDelta.withSerial(zone.records, serial)
            return Data(RecordList.encode(unchanged)) == version.records
        }
    }

    /// The zone to serve for `records` at `origin`. `current` is the version of the zone being served now, if
    /// any: as this process stored it last, it spares reading the stored version back.
    public func zone(origin: Name, records: [Record], current: Zone?, now: Int64,
                     watch: QueryWatch? = nil) throws -> Zone {
        let name = Self.storageName(origin)
        let previous: (records: [Record], history: [ZoneDelta])
        // The stored version encoded as these records encode, when its bytes differ.
        var reencoded: ZoneVersionRow?
        if let current {
            previous = (current.records, current.history)
        } else if let stored = try storedVersion(name: name) {
            let history = try history(stored, zoneRecords: records.count)
            if ZoneChangeRow.changes(after: stored.version, in: stored.changes).isEmpty {
                // The common case of a start: the same records as stored. Their bytes with the stored serial equal
                // the stored bytes, and the stored version is served as it is, without decoding and comparing
                // record sets.
                let serial = UInt32(truncatingIfNeeded: stored.version.serial)
                let unchanged = ZoneDelta.withSerial(records, serial)
                let encoded = Data(RecordList.encode(unchanged))
                if encoded == stored.version.records {
                    return try Zone(origin: origin, records: unchanged, history: history, watch: watch)
                }
                reencoded = ZoneVersionRow(name: name, serial: serial, records: encoded, recordCount: unchanged.count)
            }
            previous = (try Self.lastVersion(stored), history)
        } else {
            let row = Self.row(name: name, records: records)
            if !firstVersions.add(row, database) { try database.saveFirstZoneVersion(row) }
            return try Zone(origin: origin, records: records, watch: watch)
        }
        guard let change = ZoneDelta(from: previous.records, to: records) else {
            return try Zone(origin: origin, records: records, watch: watch)
        }
        // The same records in another order (a zone stored in another order than it is generated in): stored
        // again in this order, so the next start takes the fast path above.
        if change.isEmpty, let reencoded { try database.rewriteZoneVersion(reencoded) }
        return try save(change, of: origin, as: name, records: records, history: previous.history, now: now, watch: watch)
    }

    /// The version after `current` (served now, as this process stored it last) that lacks `removed` and has
    /// `added` (neither holding an SOA), with `soa` (any serial) for its SOA and `zoneRecords` records: stored with
    /// the next serial and journaled, and changed from `current` at those names only (`Zone.applying`). The whole
    /// version is stored only once the changes journaled since the stored one pass `limits.replayShare` of the
    /// zone (`JournalLimits`): a catalog of a million members writes a journal entry, not 50 MB, for a member that
    /// comes or goes.
    ///
    /// A record added to an RRset the zone has must carry that set's TTL (a read of the stored zone replays the
    /// journal record by record, TTLs compared): the catalog's records all have TTL 0.
    public func zone(applying removed: [Record], added: [Record], to current: Zone, soa: Record, zoneRecords: Int,
                     now: Int64) throws -> Zone {
        let name = Self.storageName(current.origin)
        let proposed = ZoneDelta(oldSOA: current.soa.records[0], newSOA: soa, removed: removed, added: added)
        // Made before anything is stored: a change the zone refuses is journaled nowhere (the served zone and the
        // journal never part).
        let next = try current.applying(proposed, history: [])
        let journaled = try database.journalSinceStoredVersion(name: name)
        // The whole version, made before the write transaction that every API change waits for; its SOA, whose
        // serial the transaction gives, is put in front inside.
        var whole: Data?
        if journaled.map({ limits.storesWhole(size: proposed.size, journaled: $0, zoneRecords: zoneRecords) }) ?? true {
            whole = Data(RecordList.encode(Array(next.records.dropFirst())))
        }
        var delta = proposed
        _ = try database.saveZoneChange(name: name, now: now, limits: limits, zoneRecords: zoneRecords) { serial in
            delta = ZoneDelta(oldSOA: proposed.oldSOA, newSOA: ZoneDelta.withSerial(soa, serial), removed: removed,
                              added: added)
            let version = whole.map { tail in
                var bytes = Data(RecordList.encode([delta.newSOA]))
                bytes.append(tail)
                return ZoneVersionRow(name: name, serial: serial, records: bytes, recordCount: zoneRecords)
            }
            return (version, Self.row(delta, now: now))
        }
        let longer = current.history + [delta]
        let kept = limits.keptCount(newestFirst: longer.reversed().map(\.size), zoneRecords: zoneRecords)
        // `next` with the serial given: its SOA replaced, the change not applied a second time.
        return try next.applying(ZoneDelta(oldSOA: next.soa.records[0], newSOA: delta.newSOA, removed: [], added: []),
                                 history: Array(longer.suffix(kept)))
    }

    /// `records` (a first version, its SOA serial from `Database.proposedSerial`) stored for `origin` in place of
    /// the version and journal stored, and served: for a stored zone that cannot be read any more and is made
    /// again from what it lists (the catalog).
    public func replacing(origin: Name, records: [Record]) throws -> Zone {
        let zone = try Zone(origin: origin, records: records)
        try database.saveFirstZoneVersion(Self.row(name: Self.storageName(origin), records: records))
        return zone
    }

    /// The records of the last version of a stored zone: its stored version with the changes journaled since
    /// replayed on it.
    private static func lastVersion(_ stored: StoredZoneVersion) throws -> [Record] {
        let records = try decode(stored.version.records)
        let changes = ZoneChangeRow.changes(after: stored.version, in: stored.changes)
        guard !changes.isEmpty else { return records }
        return RecordList.applying(try changes.map { (removed: try decode($0.removed), added: try decode($0.added)) },
                                   to: records)
    }

    /// The history of a stored zone that `limits` keep for a version of `zoneRecords` records (the journal may
    /// hold more: the changes since the stored version).
    private func history(_ stored: StoredZoneVersion, zoneRecords: Int) throws -> [ZoneDelta] {
        try history(stored.changes, zoneRecords: zoneRecords)
    }

    /// The history `limits` keep, of `changes` (a stored zone's journal, oldest first), for `zoneRecords` records.
    private func history(_ changes: [ZoneChangeRow], zoneRecords: Int) throws -> [ZoneDelta] {
        let kept = limits.keptCount(newestFirst: changes.reversed().map(\.recordCount), zoneRecords: zoneRecords)
        return try changes.suffix(kept).map(Self.delta(from:))
    }

    /// The stored version of `name`: from the read-ahead of `preloading` the first time a name is asked for, else
    /// (a second time, or outside `preloading`) from the database.
    private func storedVersion(name: String) throws -> StoredZoneVersion? {
        var name = name
        let answer: StoredZoneVersion?? = name.withUTF8 { octets in
            preloaded.take(UnsafeRawBufferPointer(octets)) { answer in
                switch answer {
                case .read(let versions, let index): versions.version(at: index)
                case .notStored: .some(nil)
                case .askTheDatabase: nil
                }
            }
        }
        if let answer { return answer }
        return try database.zoneVersion(name: name)
    }

    /// Serves `records` as the version after `change`: with the previous serial when nothing but the SOA serial
    /// differs, else with the next serial, the change journaled.
    private func save(_ change: ZoneDelta, of origin: Name, as name: String, records: [Record], history: [ZoneDelta],
                      now: Int64, watch: QueryWatch?) throws -> Zone {
        if change.isEmpty {
            let serial = change.fromSerial
            return try Zone(origin: origin, records: ZoneDelta.withSerial(records, serial),
                            history: history, watch: watch)
        }
        var delta = change
        // Everything after a leading SOA is encoded before the write transaction, whose lock every API change
        // waits for (a catalog of a million members is 50 MB of records); inside, only the SOA with its serial.
        let tail = records.first?.type == .soa ? Data(RecordList.encode(Array(records.dropFirst()))) : nil
        let serial = try database.saveZoneChange(name: name, now: now, limits: limits, zoneRecords: records.count) { serial in
            delta = ZoneDelta(oldSOA: change.oldSOA, newSOA: ZoneDelta.withSerial(change.newSOA, serial),
                              removed: change.removed, added: change.added)
            guard let tail else {
                let published = ZoneDelta.withSerial(records, serial)
                return (Self.row(name: name, records: published), Self.row(delta, now: now))
            }
            var bytes = Data(RecordList.encode([ZoneDelta.withSerial(records[0], serial)]))
            bytes.append(tail)
            return (ZoneVersionRow(name: name, serial: serial, records: bytes, recordCount: records.count),
                    Self.row(delta, now: now))
        }
        let published = ZoneDelta.withSerial(records, serial)
        let longer = history + [delta]
        let kept = limits.keptCount(newestFirst: longer.reversed().map(\.size), zoneRecords: published.count)
        return try Zone(origin: origin, records: published, history: Array(longer.suffix(kept)), watch: watch)
    }

    /// `body` of the octets of `storageName(origin)`, made on the stack.
    static func withStorageName<T>(_ origin: Name, _ body: (UnsafeRawBufferPointer) throws -> T) rethrows -> T {
        try origin.lowercased().withTextOctets { text in
            try body(text.count > 1 ? UnsafeRawBufferPointer(rebasing: text.dropLast()) : text)
        }
    }

    /// The name a zone is stored under: as the domains table spells it, lowercased and without the final dot.
    static func storageName(_ origin: Name) -> String {
        let text = origin.lowercased().description
        // Octets, not characters: a start names every stored zone so.
        guard text.utf8.count > 1, text.utf8.last == UInt8(ascii: ".") else { return text }
        return String(decoding: text.utf8.dropLast(), as: UTF8.self)
    }

    private static func row(name: String, records: [Record]) -> ZoneVersionRow {
        let soa = records.first { $0.type == .soa }.map(ZoneDelta.serial(of:)) ?? 0
        return ZoneVersionRow(name: name, serial: soa, records: Data(RecordList.encode(records)),
                              recordCount: records.count)
    }

    private static func row(_ delta: ZoneDelta, now: Int64) -> ZoneChangeRow {
        ZoneChangeRow(fromSerial: delta.fromSerial, toSerial: delta.toSerial,
                      removed: Data(RecordList.encode([delta.oldSOA] + delta.removed)),
                      added: Data(RecordList.encode([delta.newSOA] + delta.added)),
                      recordCount: delta.size, createdAt: now)
    }

    /// Stored records, decoded in place.
    private static func decode(_ bytes: Data) throws -> [Record] {
        try bytes.withUnsafeBytes { buffer throws(WireError) in try RecordList.decode(buffer) }
    }

    private static func delta(from row: ZoneChangeRow) throws -> ZoneDelta {
        let removed = try decode(row.removed)
        let added = try decode(row.added)
        guard let oldSOA = removed.first, oldSOA.type == .soa, let newSOA = added.first, newSOA.type == .soa else {
            throw WireError(.badRData, field: "journal entry without SOA", offset: 0)
        }
        return ZoneDelta(oldSOA: oldSOA, newSOA: newSOA, removed: Array(removed.dropFirst()),
                         added: Array(added.dropFirst()))
    }
}

/// The stored zone versions `ZoneVersions.preloading` read ahead; nil outside it.
private final class ReadAhead: Sendable {
    /// The versions read, and which were given out already (changed only under the lock; a class, so that
    /// marking one changes the flags in place rather than copying a million of them).
    private final class Read: @unchecked Sendable {
        let versions: StoredVersions
        var taken: [Bool]
        /// How many versions of each buffer of records are not read yet.
        var unread: [Int]

        init(_ versions: StoredVersions) {
            self.versions = versions
            taken = [Bool](repeating: false, count: versions.count)
            unread = [Int](repeating: 0, count: versions.bufferCount)
            for index in 0 ..< versions.count {
                if let buffer = versions.buffer(of: index) { unread[buffer] += 1 }
            }
        }
    }

    private let read = Mutex<Read?>(nil)
    /// The read in progress, which `take` waits for; nil outside a read-ahead.
    private let reading = Mutex<DispatchGroup?>(nil)

    /// Starts a read-ahead whose versions `reading` brings.
    func begin(_ reading: DispatchGroup) {
        self.reading.withLock { $0 = reading }
    }

    /// Sets the versions read (nil when the read failed, or to end the read-ahead).
    func set(_ versions: StoredVersions?) {
        let replaced = read.withLock { current in
            defer { current = versions.map(Read.init) }
            return current
        }
        if versions == nil { reading.withLock { $0 = nil } }
        // A gigabyte of buffers at a million domains, unmapped off the start's path. The start's later
        // `FreeMemory.release` (once every zone is compared) hands back the rest.
        if let replaced { DispatchQueue.global(qos: .utility).async { withExtendedLifetime(replaced) {} } }
    }

    /// What the read-ahead knows of a name.
    enum Answer {
        /// Its stored version, at `index` in `versions`.
        case read(StoredVersions, index: Int)
        /// No version was stored for the name when it was read.
        case notStored
        /// Nothing (no read-ahead, or the name's version was given out already): ask the database.
        case askTheDatabase
    }

    /// `body` of the read-ahead's answer for the zone stored under `name` (its octets, as
    /// `ZoneVersions.storageName` spells it): its version the first time it is asked for during a read-ahead. A
    /// name without a version is answered so every time: nothing was read for it that could be out of date.
    ///
    /// A version's records may be read in `body` only. Once every version of a buffer was read, the buffer goes
    /// back to the system, and the zones still to be built take its pages.
    func take<T>(_ name: UnsafeRawBufferPointer, _ body: (Answer) throws -> T) rethrows -> T {
        reading.withLock { $0 }?.wait()
        // The name looked up outside the lock (the versions never change); only the flag is taken under it.
        guard let versions = read.withLock({ $0?.versions }) else { return try body(.askTheDatabase) }
        guard let index = versions.index(of: name) else { return try body(.notStored) }
        let answer: Answer = read.withLock { read in
            guard let read, read.versions === versions, !read.taken[index] else { return .askTheDatabase }
            read.taken[index] = true
            return .read(versions, index: index)
        }
        defer { if case .read(let versions, let index) = answer { finished(versions, index) } }
        return try body(answer)
    }

    /// Version `index` of `versions` was read: its buffer is released when it was the last of it.
    private func finished(_ versions: StoredVersions, _ index: Int) {
        guard let buffer = versions.buffer(of: index) else { return }
        let last = read.withLock { read in
            guard let read, read.versions === versions else { return false }
            read.unread[buffer] -= 1
            return read.unread[buffer] == 0
        }
        if last { versions.release(buffer: buffer) }
    }
}

/// The first versions of zones that `ZoneVersions.preloading` stores in batches rather than one transaction each.
private final class FirstVersions: Sendable {
    /// Versions written in one transaction.
    static let batchSize = 2_000

    /// The versions not written yet; nil outside a batch.
    private let pending = Mutex<[ZoneVersionRow]?>(nil)
    /// The first write that failed, rethrown by `end` (the zones of its batch are served without a stored version).
    private let failure = Mutex<(any Error)?>(nil)

    func begin() {
        pending.withLock { $0 = [] }
        failure.withLock { $0 = nil }
    }

    /// Queues `row` while a batch runs, writing the batch once it is full (on the caller's thread); false outside
    /// a batch, where the caller writes it itself.
    func add(_ row: ZoneVersionRow, _ database: Database) -> Bool {
        let full: [ZoneVersionRow]? = pending.withLock { pending in
            guard pending != nil else { return nil }
            pending!.append(row)
            guard pending!.count >= Self.batchSize else { return [] }
            defer { pending = [] }
            return pending
        }
        guard let full else { return false }
        write(full, database)
        return true
    }

    /// Writes what is left and ends the batch; throws the first write that failed during the batch.
    func end(_ database: Database) throws {
        let rest = pending.withLock { pending in
            defer { pending = nil }
            return pending ?? []
        }
        write(rest, database)
        if let error = failure.withLock({ $0 }) { throw error }
    }

    private func write(_ rows: [ZoneVersionRow], _ database: Database) {
        guard !rows.isEmpty else { return }
        do {
            try database.saveFirstZoneVersions(rows)
        } catch {
            failure.withLock { $0 = $0 ?? error }
        }
    }
}
