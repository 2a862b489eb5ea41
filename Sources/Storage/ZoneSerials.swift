import GRDB

/// SOA serials that never go back, even across deleting and re-adding a domain.
///
/// `zone_serials` remembers the last serial handed out per zone name and is not cascaded from `domains`.
/// A new serial is the current time in Unix seconds (clipped to `UInt32.max`) when that is ahead of the
/// last serial in RFC 1982 serial arithmetic, else the last serial plus one (wrapping at 2^32). Either way
/// it is greater than the last serial in RFC 1982 terms, so secondaries always see a newer zone; and the
/// clock makes serials readable and keeps them ahead of whatever an earlier installation served.
enum ZoneSerials {
    /// Hands out the next serial for `name`, records it, and returns it. Call it inside the transaction that
    /// stores the serial in the domain row, so that both change together or not at all.
    static func next(_ db: GRDB.Database, name: String, now: Int64) throws -> UInt32 {
        let serial = serial(after: try last(db, name: name), now: now)
        try record(db, name: name, serial: serial)
        return serial
    }

    /// The last serial handed out for `name`, if any.
    static func last(_ db: GRDB.Database, name: String) throws -> UInt32? {
        try UInt32.fetchOne(db, sql: "SELECT serial FROM zone_serials WHERE name = ?", arguments: [name])
    }

    /// Makes `serial` the last serial of `name`.
    static func record(_ db: GRDB.Database, name: String, serial: UInt32) throws {
        try db.execute(
            sql: """
                INSERT INTO zone_serials (name, serial) VALUES (?, ?)
                ON CONFLICT (name) DO UPDATE SET serial = excluded.serial
                """,
            arguments: [name, serial])
    }

    /// The serial that follows `last` at time `now` (milliseconds since the epoch); see the type's notes.
    static func serial(after last: UInt32?, now: Int64) -> UInt32 {
        let clock = UInt32(clamping: now / 1000)
        guard let last else { return clock }
        let bumped = last &+ 1
        // RFC 1982: `clock` is ahead of (or equal to) `bumped` when the wrapped distance is below 2^31.
        return clock &- bumped < 1 << 31 ? clock : bumped
    }
}
