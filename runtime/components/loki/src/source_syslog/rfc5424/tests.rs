use super::*;

#[test]
fn the_rfcs_examples() {
    let m =
        parse(b"<34>1 2003-10-11T22:14:15.003Z mymachine.example.com su - ID47 - 'su root' failed")
            .unwrap();
    assert_eq!((m.severity(), m.facility()), ("critical", "auth"));
    assert_eq!(m.timestamp.unwrap().to_string(), "2003-10-11T22:14:15.003Z");
    assert_eq!(m.hostname.as_deref(), Some("mymachine.example.com"));
    assert_eq!((m.app_name.as_deref(), m.proc_id.as_deref()), (Some("su"), None));
    assert_eq!(m.msg_id.as_deref(), Some("ID47"));
    assert_eq!(m.message.as_deref(), Some("'su root' failed"));

    let m = parse(
        br#"<165>1 2003-10-11T22:14:15.003-07:00 host evntslog - ID47 [exampleSDID@32473 iut="3" eventSource="Application"][examplePriority@32473 class="high"]"#,
    )
    .unwrap();
    assert_eq!((m.severity(), m.facility()), ("notice", "local4"));
    assert_eq!(m.timestamp.unwrap().to_string(), "2003-10-12T05:14:15.003Z");
    assert_eq!(m.structured_data.len(), 2);
    assert_eq!(m.structured_data[0].0, "exampleSDID@32473");
    assert_eq!(m.structured_data[0].1[1], ("eventSource".into(), "Application".into()));
    assert_eq!(m.message, None);
}

#[test]
fn nil_values_and_empty_message() {
    let m = parse(b"<0>1 - - - - - - ").unwrap();
    assert_eq!((m.severity(), m.facility()), ("emergency", "kern"));
    assert_eq!(m.timestamp, None);
    assert_eq!(m.hostname, None);
    assert_eq!(m.message, None, "a message of nothing is none, as the reference counts it");
}

#[test]
fn escapes_in_parameter_values() {
    let m = parse(br#"<13>1 - h a - - [id@1 k="a\"b\\c\]d\e"] hi"#).unwrap();
    assert_eq!(m.structured_data[0].1[0].1, r#"a"b\c]d\e"#);
    assert_eq!(m.message.as_deref(), Some("hi"));
}

#[test]
fn facilities_without_a_keyword_read_as_the_reference_names_them() {
    let facility = |pri: u8| parse(format!("<{pri}>1 - - - - - -").as_bytes()).unwrap().facility();
    assert_eq!(facility(9 * 8), "clock daemon");
    assert_eq!(facility(15 * 8), "cron");
    assert_eq!(facility(23 * 8 + 7), "local7");
}

#[test]
fn what_breaks_the_grammar_is_an_error_with_its_place() {
    let at = |text: &str| parse(text.as_bytes()).unwrap_err().at;
    assert_eq!(at("<192>1 - - - - - -"), 1, "priority above 191");
    assert_eq!(at("<01>1 - - - - - -"), 1, "a leading zero");
    assert_eq!(at("<13>0 - - - - - -"), 4, "version 0");
    assert_eq!(at("<13>1 2003-10-11 - - - - -"), 6, "a date without a time");
    assert_eq!(at("<13>1 2003-10-11T22:14:15.0000001Z - - - - -"), 6, "seven digits of fraction");
    assert_eq!(at("<13>1 - h a p m [x"), 18, "an element not closed");
    assert_eq!(at(r#"<13>1 - h a p m [x k="v]"] m"#), 23, "an unescaped ]");
    assert_eq!(at("<13>1 - h a p m [x][x]"), 20, "an id used twice");
    assert_eq!(at("<13>1 - h a p m -m"), 17, "no space before the message");
    assert_eq!(at(&format!("<13>1 - h a p {} -", "m".repeat(33))), 46, "a message id too long");
    let error = parse(b"Oct 11 22:14:15 host su: failed").unwrap_err();
    assert_eq!(error.to_string(), "expecting a priority from <0> to <191> at byte 0");
}
