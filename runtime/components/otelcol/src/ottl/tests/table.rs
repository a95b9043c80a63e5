//! One table per context: statements run in order on each item, then a
//! condition that must hold on every item. The cases follow the
//! collector's tests of its contexts (`ottlspan`, `ottllog`, ...), of its
//! functions (`ottlfuncs/*_test.go`) and the docs' examples.

use river_ottl::Context;

use super::fixtures;
use super::{holds_everywhere, run};
use crate::consumer::Data;

type Case = (&'static [&'static str], &'static str);

fn check(data: fn() -> Data, context: Context, cases: &[Case]) {
    let mut failures = Vec::new();
    for (statements, expect) in cases {
        let mut batch = data();
        let outcome = run(&mut batch, context, statements)
            .and_then(|_| holds_everywhere(&mut batch, context, expect));
        if outcome != Ok(true) {
            failures.push(format!("{statements:?}\n  then `{expect}`: {outcome:?}"));
        }
    }
    assert!(failures.is_empty(), "{} failed:\n{}", failures.len(), failures.join("\n"));
}

#[rustfmt::skip]
const SPAN: &[Case] = &[
    (&[r#"set(attributes["test"], "pass") where attributes["test"] == nil"#], r#"attributes["test"] == "pass""#),
    (&[r#"set(attributes["str"], "x") where attributes["str"] == nil"#], r#"attributes["str"] == "val""#),
    (&[r#"set(name, "cat")"#], r#"name == "cat""#),
    (&[r#"set(name, 1)"#], r#"name == "bear""#),
    (&[r#"set(attributes["name"], name)"#], r#"attributes["name"] == "bear""#),
    (&[r#"set(attributes["tid"], trace_id.string)"#], r#"attributes["tid"] == "0102030405060708090a0b0c0d0e0f10""#),
    (&[r#"set(trace_id.string, "ffffffffffffffffffffffffffffffff")"#], "trace_id == TraceID(0xffffffffffffffffffffffffffffffff)"),
    (&["set(span_id, SpanID(0x0000000000000001))"], r#"span_id.string == "0000000000000001""#),
    (&[], r#"parent_span_id.string == "0807060504030201" and trace_id != span_id"#),
    (&["set(kind, SPAN_KIND_CLIENT)"], r#"kind == SPAN_KIND_CLIENT and kind.string == "Client" and kind.deprecated_string == "SPAN_KIND_CLIENT""#),
    (&[r#"set(kind.string, "Producer")"#], "kind == 4"),
    (&[r#"set(kind.deprecated_string, "SPAN_KIND_CONSUMER")"#], "kind == SPAN_KIND_CONSUMER"),
    (&[r#"set(status.code, STATUS_CODE_OK) where attributes["http.path"] == "/health""#], "status.code == 1"),
    (&[r#"set(status.message, "fine")"#], r#"status.message == "fine" and status.code == STATUS_CODE_ERROR"#),
    (&[r#"set(attributes["duration"], end_time_unix_nano - start_time_unix_nano)"#], r#"attributes["duration"] == 500000000"#),
    (&[r#"set(attributes["ms"], Milliseconds(end_time - start_time))"#], r#"attributes["ms"] == 500"#),
    (&[r#"set(end_time, start_time + Duration("1s"))"#], "end_time_unix_nano - start_time_unix_nano == 1000000000"),
    (&["set(start_time_unix_nano, 1)"], "start_time == Unix(0, 1)"),
    (&[r#"set(attributes["ts"], trace_state["key1"])"#, r#"set(attributes["none"], trace_state["nope"])"#], r#"attributes["ts"] == "val1" and attributes["none"] == """#),
    (&[r#"set(trace_state["key3"], "val3")"#], r#"trace_state == "key3=val3,key1=val1,key2=val2""#),
    (&[r#"set(attributes["n"], attributes["map"]["nested"]["n"])"#], r#"attributes["n"] == 1"#),
    (&[r#"set(attributes["map"]["new"]["deep"], "x")"#], r#"attributes["map"]["new"]["deep"] == "x" and attributes["map"]["k"] == "v""#),
    (&[r#"set(attributes["arr_str"][1], "three")"#], r#"attributes["arr_str"][1] == "three" and attributes["arr_str"][0] == "one""#),
    (&[r#"set(attributes["list"][2], "c")"#], r#"Len(attributes["list"]) == 3 and attributes["list"][2] == "c" and attributes["list"][0] == nil"#),
    (&[r#"delete_key(attributes, "str")"#], r#"attributes["str"] == nil and attributes["int"] == 10"#),
    (&[r#"delete_matching_keys(attributes, "^http\\.")"#], r#"attributes["http.path"] == nil and attributes["str"] == "val""#),
    (&[r#"keep_keys(attributes, ["str", "int"])"#], r#"Len(attributes) == 2 and attributes["int"] == 10"#),
    (&[r#"keep_keys(attributes, [])"#], "Len(attributes) == 0"),
    (&[r#"limit(attributes, 2, ["int"])"#], r#"Len(attributes) == 2 and attributes["int"] == 10 and attributes["str"] == "val""#),
    (&["truncate_all(attributes, 2)"], r#"attributes["str"] == "va" and attributes["int"] == 10 and attributes["http.path"] == "/h""#),
    (&[r#"replace_pattern(attributes["process.command_line"], "password\\=[^\\s]*(\\s?)", "password=***")"#], r#"attributes["process.command_line"] == "app --password=***--x""#),
    (&[r#"replace_pattern(name, "^b(.*)$", "c$1")"#], r#"name == "cear""#),
    (&[r#"replace_pattern(attributes["str"], "val", "x", SHA256)"#], r#"attributes["str"] == SHA256("x")"#),
    (&[r#"replace_pattern(attributes["int"], "1", "2")"#], r#"attributes["int"] == 10"#),
    (&[r#"replace_match(attributes["http.target"], "/user/*/list/*", "/user/{userId}/list/{listId}")"#], r#"attributes["http.target"] == "/user/{userId}/list/{listId}""#),
    (&[r#"replace_match(name, "be*", "x", SHA1)"#], r#"name == SHA1("x")"#),
    (&[r#"replace_all_matches(attributes, "/user/*/list/*", "/user/{userId}/list/{listId}")"#], r#"attributes["http.target"] == "/user/{userId}/list/{listId}" and attributes["str"] == "val""#),
    (&[r#"replace_all_patterns(attributes, "key", "^http\\.", "h.")"#], r#"attributes["h.path"] == "/health" and attributes["http.path"] == nil"#),
    (&[r#"replace_all_patterns(attributes, "value", "^/user/(\\d+)", "/u/$1")"#], r#"attributes["http.target"] == "/u/123/list/456" and attributes["int"] == 10"#),
    (&[r#"replace_all_patterns(attributes, "value", "^val$", "v", SHA256)"#], r#"attributes["str"] == SHA256("v")"#),
    (&[r#"merge_maps(attributes, attributes["map"], "upsert")"#], r#"attributes["k"] == "v" and IsMap(attributes["nested"])"#),
    (&[r#"merge_maps(attributes, ParseJSON("{\"str\": \"new\", \"n\": 1}"), "insert")"#], r#"attributes["str"] == "val" and attributes["n"] == 1.0"#),
    (&[r#"merge_maps(attributes, ParseJSON("{\"str\": \"new\", \"n\": 1}"), "update")"#], r#"attributes["str"] == "new" and attributes["n"] == nil"#),
    (&[r#"set(attributes["c"], Concat([name, attributes["str"], 1, nil], "-"))"#], r#"attributes["c"] == "bear-val-1-<nil>""#),
    (&[r#"set(attributes["case"], ConvertCase("simpleTest", "snake"))"#], r#"attributes["case"] == "simple_test""#),
    (&[r#"set(attributes["i"], Int("42"))"#, r#"set(attributes["t"], Int(1.9))"#, r#"set(attributes["x"], Int("x"))"#], r#"attributes["i"] == 42 and attributes["t"] == 1 and attributes["x"] == nil"#),
    (&[r#"set(attributes["d"], Double("1.5"))"#, r#"set(attributes["b"], Double(true))"#], r#"attributes["d"] == 1.5 and attributes["b"] == 1.0"#),
    (&[r#"set(attributes["e"], ExtractPatterns("a=1 b=2", "a=(?P<a>\\d) b=(?P<b>\\d)"))"#], r#"attributes["e"]["a"] == "1" and attributes["e"]["b"] == "2""#),
    (&[r#"set(attributes["f"], FNV("hello world"))"#], r#"attributes["f"] == 8618312879776256743"#),
    (&[r#"set(attributes["l"], Len(attributes["arr_str"]))"#, r#"set(attributes["ls"], Len(name))"#], r#"attributes["l"] == 2 and attributes["ls"] == 4"#),
    (&[r#"set(attributes["log"], Log(attributes["int"]))"#], r#"attributes["log"] > 2.302 and attributes["log"] < 2.303"#),
    (&[r#"set(attributes["split"], Split("a,b,c", ","))"#], r#"Len(attributes["split"]) == 3 and attributes["split"][2] == "c""#),
    (&[r#"set(attributes["s0"], Split(name, "e")[0])"#], r#"attributes["s0"] == "b""#),
    (&[r#"set(attributes["sub"], Substring("123456789", 3, 2))"#], r#"attributes["sub"] == "45""#),
    (&[r#"set(attributes["h1"], SHA1("hello world"))"#], r#"attributes["h1"] == "2aae6c35c94fcfb415dbe95f408b9ce91ee846ed""#),
    (&[r#"set(attributes["uuid"], UUID())"#], r#"Len(attributes["uuid"]) == 36 and IsMatch(attributes["uuid"], "^[0-9a-f-]+$")"#),
    (&[r#"set(attributes["is"], true) where IsMap(attributes["map"]) and IsString(name) and not IsMap(name) and IsMatch(name, "^be")"#], r#"attributes["is"] == true"#),
    (&[r#"set(attributes["im"], true) where IsMatch(attributes["int"], "^1")"#], r#"attributes["im"] == true"#),
    (&[r#"set(attributes["unix"], UnixSeconds(Time("2023-05-26 12:34:56 +0000", "%Y-%m-%d %H:%M:%S %z")))"#], r#"attributes["unix"] == 1685104496"#),
    (&[r#"set(attributes["t"], UnixNano(TruncateTime(Unix(1685104496, 123), Duration("1h"))))"#], r#"attributes["t"] == 1685102400000000000"#),
    (&[r#"set(attributes["ms"], UnixMilli(Unix(1, 5000000)))"#, r#"set(attributes["us"], UnixMicro(Unix(1)))"#], r#"attributes["ms"] == 1005 and attributes["us"] == 1000000"#),
    (&[r#"set(attributes["hours"], Hours(Duration("90m")))"#, r#"set(attributes["min"], Minutes(Duration("90s")))"#], r#"attributes["hours"] == 1.5 and attributes["min"] == 1.5"#),
    (&[r#"set(attributes["s"], Seconds(Duration("1500ms")))"#, r#"set(attributes["us"], Microseconds(Duration("1ms")))"#, r#"set(attributes["ns"], Nanoseconds(Duration("1us")))"#], r#"attributes["s"] == 1.5 and attributes["us"] == 1000 and attributes["ns"] == 1000"#),
    (&[r#"set(attributes["now"], true) where UnixSeconds(Now()) > 1600000000"#], r#"attributes["now"] == true"#),
    (&[r#"set(attributes["m"], (1 + 2) * 3 - 4 / 2)"#, r#"set(attributes["fm"], 1.5 * 2.0)"#], r#"attributes["m"] == 7 and attributes["fm"] == 3"#),
    (&[r#"set(resource.attributes["from_span"], name)"#], r#"resource.attributes["from_span"] == "bear" and resource.attributes["service.name"] == "api""#),
    (&[r#"set(instrumentation_scope.name, "lib2")"#], r#"instrumentation_scope.name == "lib2" and instrumentation_scope.version == "1.0""#),
    (&[r#"merge_maps(cache, ParseJSON("{\"a\":{\"b\":\"c\"}}"), "upsert")"#, r#"set(attributes["cached"], cache["a"]["b"])"#], r#"attributes["cached"] == "c" and Len(cache) == 0"#),
    (&[r#"set(attributes["b"], attributes["bytes"])"#], r#"attributes["b"] == 0x01020304 and attributes["b"] < 0x0103"#),
    (&[r#"set(attributes["cmp"], true) where attributes["int"] > 9.5 and attributes["double"] < 2 and name != nil and attributes["missing"] == nil and not (attributes["str"] == 1)"#], r#"attributes["cmp"] == true"#),
    (&[r#"set(attributes["or"], true) where attributes["int"] == 1 or attributes["str"] == "val""#], r#"attributes["or"] == true"#),
    (&["set(dropped_attributes_count, 5)"], "dropped_attributes_count == 5 and dropped_events_count == 2 and dropped_links_count == 3"),
    (&[r#"set(attributes["events"], Len(events))"#, r#"set(attributes["links"], Len(links))"#], r#"attributes["events"] == 2 and attributes["links"] == 1"#),
    (&[r#"set(attributes["status"], status)"#], r#"attributes["status"] == nil and Len(attributes) == 12 and status.code == 2"#),
    (&["set(events, links)"], "Len(events) == 2"),
    (&[r#"set(attributes["map"], ParseJSON("{\"x\": true}"))"#], r#"attributes["map"]["x"] == true and attributes["map"]["k"] == nil"#),
    (&[r#"set(attributes, attributes["map"])"#], r#"Len(attributes) == 2 and attributes["k"] == "v""#),
];

#[test]
fn span_paths_and_functions() {
    check(fixtures::traces, Context::Span, SPAN);
}

#[rustfmt::skip]
const SPAN_EVENT: &[Case] = &[
    (&[r#"set(attributes["span_name"], span.name)"#], r#"attributes["span_name"] == "bear""#),
    (&[r#"set(name, "renamed") where name == "e1""#], r#"name == "renamed" or name == "e2""#),
    (&[r#"set(span.attributes["touched"], attributes["ev"])"#], r#"span.attributes["touched"] == "2""#),
    (&["set(time_unix_nano, 5)"], "time == Unix(0, 5) and span.start_time_unix_nano != 5"),
    (&[r#"set(attributes["r"], resource.attributes["service.name"])"#], r#"attributes["r"] == "api""#),
];

#[test]
fn span_event_paths() {
    check(fixtures::traces, Context::SpanEvent, SPAN_EVENT);
}

#[rustfmt::skip]
const RESOURCE: &[Case] = &[
    (&[r#"set(attributes["namespace"], attributes["k8s.namespace.name"])"#, r#"delete_key(attributes, "k8s.namespace.name")"#], r#"attributes["namespace"] == "prod" and attributes["k8s.namespace.name"] == nil"#),
    (&[r#"replace_all_patterns(attributes, "key", "k8s\\.namespace\\.name", "namespace")"#], r#"attributes["namespace"] == "prod" and attributes["k8s.namespace.name"] == nil"#),
    (&[r#"set(attributes["test"], Concat([attributes["service.name"], attributes["host.name"]], " "))"#], r#"attributes["test"] == "api h1""#),
    (&[r#"set(attributes["test"], Concat([attributes["foo"], attributes["bar"]], " "))"#], r#"attributes["test"] == "<nil> <nil>""#),
    (&[r#"keep_keys(attributes, ["service.name"])"#], r#"Len(attributes) == 1"#),
    (&["set(dropped_attributes_count, 3)"], "dropped_attributes_count == 3"),
];

#[test]
fn resource_paths() {
    check(fixtures::traces, Context::Resource, RESOURCE);
    check(fixtures::metrics, Context::Resource, RESOURCE);
    check(fixtures::logs, Context::Resource, RESOURCE);
}

#[rustfmt::skip]
const SCOPE: &[Case] = &[
    (&[r#"set(name, "newlib") where version == "1.0""#], r#"name == "newlib""#),
    (&[r#"set(version, "2")"#], r#"version == "2" and name == "library""#),
    (&[r#"set(attributes["x"], resource.attributes["service.name"])"#], r#"attributes["x"] == "api" and attributes["scope_attr"] == "s""#),
];

#[test]
fn scope_paths() {
    check(fixtures::traces, Context::Scope, SCOPE);
    check(fixtures::logs, Context::Scope, SCOPE);
}

#[rustfmt::skip]
const LOG: &[Case] = &[
    (&[r#"set(severity_text, "FAIL") where body == "request failed""#], r#"severity_text == "FAIL""#),
    (&[r#"set(attributes["body"], body)"#], r#"attributes["body"] == "request failed""#),
    (&[r#"set(body, attributes["http.route"])"#], r#"body == "/api""#),
    (&[r#"replace_all_matches(attributes, "/user/*/list/*", "/user/{userId}/list/{listId}")"#], r#"attributes["path"] == "/user/{userId}/list/{listId}""#),
    (&[r#"replace_all_patterns(attributes, "value", "/account/\\d{4}", "/account/{accountId}")"#], r#"attributes["acct"] == "/account/{accountId}""#),
    (&["set(severity_number, SEVERITY_NUMBER_WARN)"], "severity_number == 13 and severity_number >= SEVERITY_NUMBER_WARN"),
    (&[], "severity_number < SEVERITY_NUMBER_WARN and severity_number == SEVERITY_NUMBER_INFO"),
    (&[r#"set(body, "{\"attr1\":\"v1\",\"nested\":{\"attr3\":\"v3\"}}")"#, r#"merge_maps(cache, ParseJSON(body), "upsert") where IsMatch(body, "^\\{")"#, r#"set(attributes["attr1"], cache["attr1"])"#, r#"set(attributes["nested.attr3"], cache["nested"]["attr3"])"#, r#"set(attributes["missing"], cache["missing"])"#], r#"attributes["attr1"] == "v1" and attributes["nested.attr3"] == "v3" and attributes["missing"] == nil"#),
    (&[r#"merge_maps(cache, ParseJSON(body), "upsert") where IsMatch(body, "^\\{")"#], r#"body == "request failed""#),
    (&[r#"set(body, ParseJSON("{\"a\": [1, 2]}"))"#, r#"set(attributes["a1"], body["a"][1])"#], r#"attributes["a1"] == 2 and IsMap(body) and body.string == "{\"a\":[1,2]}""#),
    (&[r#"set(trace_id.string, "0102030405060708090a0b0c0d0e0f11")"#], "trace_id == TraceID(0x0102030405060708090a0b0c0d0e0f11)"),
    (&[r#"set(attributes["sid"], span_id.string)"#], r#"attributes["sid"] == "0102030405060708""#),
    (&[r#"set(time, Time("2023-01-01T00:00:00Z", "%Y-%m-%dT%H:%M:%SZ"))"#], "time_unix_nano == 1672531200000000000 and observed_time_unix_nano != time_unix_nano"),
    (&[r#"set(body.string, "x")"#], r#"body == "x""#),
    (&["set(flags, 1)"], "flags == 1 and dropped_attributes_count == 0"),
];

#[test]
fn log_paths() {
    check(fixtures::logs, Context::Log, LOG);
}

#[rustfmt::skip]
const METRIC: &[Case] = &[
    (&[r#"set(description, "Sum") where type == METRIC_DATA_TYPE_SUM"#], r#"description == "Sum" or type != METRIC_DATA_TYPE_SUM"#),
    (&[r#"set(description, "Sum") where type == "Sum""#], r#"description == """#),
    (&[r#"set(unit, "ms") where name == "h""#], r#"unit == "ms" or name != "h""#),
    (&["set(aggregation_temporality, AGGREGATION_TEMPORALITY_DELTA)"], "aggregation_temporality == AGGREGATION_TEMPORALITY_DELTA or aggregation_temporality == nil"),
    (&[r#"set(is_monotonic, false) where name == "s""#], r#"is_monotonic == false or is_monotonic == nil"#),
    (&["set(type, METRIC_DATA_TYPE_GAUGE)"], r#"type != METRIC_DATA_TYPE_GAUGE or name == "g""#),
    (&[], r#"(name == "g" and Len(data_points) == 2) or (name != "g" and Len(data_points) == 1)"#),
    (&[r#"set(name, "renamed") where resource.attributes["host.name"] == "h1""#], r#"name == "renamed""#),
];

#[test]
fn metric_paths() {
    check(fixtures::metrics, Context::Metric, METRIC);
}

#[rustfmt::skip]
const DATA_POINT: &[Case] = &[
    (&[r#"set(attributes["metric"], metric.name)"#], r#"attributes["metric"] == metric.name"#),
    (&[r#"set(metric.description, "test passed") where attributes["test"] == "pass""#], r#"metric.description == "test passed""#),
    (&[r#"set(value_double, 9.5) where metric.name == "g""#], r#"metric.name != "g" or value_double == 9.5"#),
    (&[r#"set(value_int, value_int * 2) where metric.name == "s""#], r#"metric.name != "s" or value_int == 10"#),
    (&[r#"set(count, 7) where metric.name == "h""#], r#"metric.name != "h" or (count == 7 and sum == 6.0)"#),
    (&[r#"set(sum, 1.5) where metric.name == "sm""#], r#"metric.name != "sm" or (sum == 1.5 and count == 4)"#),
    (&[r#"set(attributes["bounds"], Len(explicit_bounds)) where metric.name == "h""#], r#"metric.name != "h" or (attributes["bounds"] == 2 and Len(bucket_counts) == 3)"#),
    (&[r#"set(scale, 5) where metric.name == "e""#], r#"metric.name != "e" or (scale == 5 and zero_count == 1 and positive.offset == 1 and Len(positive.bucket_counts) == 2)"#),
    (&[r#"set(attributes["q"], Len(quantile_values)) where metric.name == "sm""#], r#"metric.name != "sm" or attributes["q"] == 1"#),
    (&[r#"set(attributes["vd"], value_double)"#], r#"metric.name == "g" or metric.name == "s" or attributes["vd"] == nil"#),
    (&[r#"limit(attributes, 1, ["host.name"])"#], r#"Len(attributes) == 1 and attributes["host.name"] == "h1""#),
    (&["set(time_unix_nano, 10)"], "time == Unix(0, 10) and start_time_unix_nano == 0"),
    (&[r#"convert_sum_to_gauge() where metric.name == "s""#], r#"metric.name != "s" or metric.type == METRIC_DATA_TYPE_GAUGE"#),
    (&[r#"convert_gauge_to_sum("cumulative", false) where metric.name == "g""#], r#"metric.name != "g" or (metric.type == METRIC_DATA_TYPE_SUM and metric.aggregation_temporality == AGGREGATION_TEMPORALITY_CUMULATIVE and metric.is_monotonic == false)"#),
];

#[test]
fn data_point_paths() {
    check(fixtures::metrics, Context::DataPoint, DATA_POINT);
}
