//! The `dns` prober's verdict on a response: its response code against
//! `valid_rcodes`, then each section's records against that section's
//! `validate_*_rrs` regular expressions. The regular expressions see each
//! record as miekg/dns writes it (`name<TAB>ttl<TAB>class<TAB>type<TAB>data`),
//! so that a module written for the exporter matches the same text here.

use hickory_proto::op::Message;
use hickory_proto::rr::Record;

use super::dns::{Settings, Validator};

/// The response's code, then its answer, authority and additional
/// records, each section's failure named as the exporter names it.
pub fn check(response: &Message, s: &Settings) -> Result<(), String> {
    let rcode = u16::from(response.metadata.response_code);
    if !s.valid_rcodes.contains(&rcode) {
        return Err(format!("rcode {rcode} is not one of the valid rcodes"));
    }
    validate(&response.answers, &s.answer)
        .map_err(|e| format!("answer RRs validation failed: {e}"))?;
    validate(&response.authorities, &s.authority)
        .map_err(|e| format!("authority RRs validation failed: {e}"))?;
    validate(&response.additionals, &s.additional)
        .map_err(|e| format!("additional RRs validation failed: {e}"))
}

/// The section's records against its checks, as the exporter's `validRRs`.
fn validate(records: &[Record], v: &Validator) -> Result<(), String> {
    if records.is_empty() && !v.fail_if_not_matches.is_empty() {
        return Err("fail_if_not_matches_regexp specified but no RRs returned".into());
    }
    if records.is_empty() && !v.fail_if_none_matches.is_empty() {
        return Err("fail_if_none_matches_regexp specified but no RRs returned".into());
    }
    let (mut any, mut all) = (false, true);
    for record in records {
        let text = record_text(record);
        if let Some(re) = v.fail_if_matches.iter().find(|re| re.is_match(&text)) {
            return Err(format!("at least one RR matched regexp {re}"));
        }
        all &= v.fail_if_all_match.iter().all(|re| re.is_match(&text));
        if let Some(re) = v.fail_if_not_matches.iter().find(|re| !re.is_match(&text)) {
            return Err(format!("at least one RR did not match regexp {re}"));
        }
        any |= v.fail_if_none_matches.iter().any(|re| re.is_match(&text));
    }
    // 0.23 fails when *not* every record matches `fail_if_all_match_regexp`
    // (later releases swapped the test); Debian's exporter does so too.
    if !v.fail_if_all_match.is_empty() && !all {
        return Err("not all RRs matched regexp".into());
    }
    if !v.fail_if_none_matches.is_empty() && !any {
        return Err("none of the RRs did matched any regexp".into());
    }
    Ok(())
}

/// A record as miekg/dns's `RR.String()` writes it.
pub fn record_text(record: &Record) -> String {
    let data = match &record.data {
        hickory_proto::rr::RData::TXT(txt) => txt
            .txt_data
            .iter()
            .map(|part| format!("{:?}", String::from_utf8_lossy(part)))
            .collect::<Vec<_>>()
            .join(" "),
        other => other.to_string(),
    };
    format!(
        "{}\t{}\t{}\t{}\t{}",
        record.name,
        record.ttl,
        record.dns_class,
        record.record_type(),
        data
    )
}

#[cfg(test)]
mod tests {
    use hickory_proto::rr::Name;
    use regex::Regex;

    use super::*;

    #[test]
    fn writes_records_as_miekg() {
        let name = Name::from_ascii("example.com.").unwrap();
        let record =
            Record::from_rdata(name, 300, hickory_proto::rr::RData::A("1.2.3.4".parse().unwrap()));
        assert_eq!(record_text(&record), "example.com.\t300\tIN\tA\t1.2.3.4");
    }

    #[test]
    fn all_match_fails_as_0_23_does_when_a_record_does_not_match() {
        let name = Name::from_ascii("example.com.").unwrap();
        let a =
            Record::from_rdata(name, 300, hickory_proto::rr::RData::A("1.2.3.4".parse().unwrap()));
        let v = Validator {
            fail_if_all_match: vec![Regex::new("1.2.3.4").unwrap()],
            ..Validator::default()
        };
        assert!(validate(std::slice::from_ref(&a), &v).is_ok());
        let v = Validator {
            fail_if_all_match: vec![Regex::new("5.6.7.8").unwrap()],
            ..Validator::default()
        };
        assert!(validate(&[a], &v).is_err());
    }
}
