//! Points in time as the reference writes them: Go's `time.Time` in JSON,
//! that is RFC 3339 with as many fractional digits as needed, in the
//! machine's time zone (`Z` when it is UTC).

use std::time::SystemTime;

use jiff::{tz::TimeZone, Timestamp};

/// `2026-12-06T09:49:56.12Z`, or `...+01:00` east of Greenwich.
pub fn rfc3339(time: SystemTime) -> String {
    rfc3339_in(time, &TimeZone::system())
}

/// The same in UTC, as the reference's log writes `ts`.
pub fn rfc3339_utc(time: SystemTime) -> String {
    rfc3339_in(time, &TimeZone::UTC)
}

fn rfc3339_in(time: SystemTime, zone: &TimeZone) -> String {
    let Ok(instant) = Timestamp::try_from(time) else {
        return String::new();
    };
    let zoned = instant.to_zoned_datetime(zone.clone());
    if zoned.offset().seconds() == 0 {
        // Go writes a zero offset as `Z`, as `Timestamp`'s display does.
        return instant.to_string();
    }
    zoned.strftime("%Y-%m-%dT%H:%M:%S%.f%:z").to_string()
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, UNIX_EPOCH};

    use jiff::tz::Offset;

    use super::*;

    fn at(secs: u64, nanos: u32, zone: &TimeZone) -> String {
        rfc3339_in(UNIX_EPOCH + Duration::new(secs, nanos), zone)
    }

    #[test]
    fn fractions_only_as_long_as_needed() {
        let utc = TimeZone::UTC;
        assert_eq!(at(1_796_550_596, 0, &utc), "2026-12-06T09:49:56Z");
        assert_eq!(at(1_796_550_596, 120_000_000, &utc), "2026-12-06T09:49:56.12Z");
        assert_eq!(at(1_796_550_596, 1, &utc), "2026-12-06T09:49:56.000000001Z");
    }

    #[test]
    fn other_zones_by_their_offset() {
        let east = TimeZone::fixed(Offset::from_hours(1).unwrap());
        assert_eq!(at(1_796_550_596, 500_000_000, &east), "2026-12-06T10:49:56.5+01:00");
        let west = TimeZone::fixed(Offset::from_hours(-5).unwrap());
        assert_eq!(at(1_796_550_596, 0, &west), "2026-12-06T04:49:56-05:00");
    }
}
