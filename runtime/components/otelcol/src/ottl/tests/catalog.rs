//! Every function river-ottl's catalog lists, for either processor in
//! any context, builds here: none is left to be refused as not
//! supported. Each is called with arguments of the kinds its parameters
//! take, with values its build-time checks accept.

use river_ottl::{Context, Function, Functions, Param, ParamKind};

use crate::ottl::{Condition, Statement};

/// An argument for `param` of `function`.
fn argument(function: &str, param: &Param) -> String {
    let text = match (param.kind, param.name) {
        // The cache is a map every context has.
        (ParamKind::Setter, _) => r#"cache["x"]"#,
        (ParamKind::Getter, "target" | "source")
            if function.ends_with("keys")
                || matches!(function, "limit" | "merge_maps" | "truncate_all")
                || function.starts_with("replace_all") =>
        {
            "cache"
        }
        (ParamKind::Getter, "duration") => r#"Duration("1s")"#,
        (ParamKind::Getter, "time") => "Now()",
        (ParamKind::Getter, "seconds" | "nanoseconds") => "1",
        (ParamKind::Getter, _) => r#""1""#,
        (ParamKind::String, "to_case") => r#""lower""#,
        (ParamKind::String, "format") => r#""%Y""#,
        (ParamKind::String, "strategy") => r#""upsert""#,
        (ParamKind::String, "mode") => r#""key""#,
        (ParamKind::String, "string_agg_temp") => r#""delta""#,
        (ParamKind::String, "pattern") if function == "ExtractPatterns" => r#""(?P<a>a)""#,
        (ParamKind::String, _) => r#""a""#,
        (ParamKind::Int, "length" | "limit") => "1",
        (ParamKind::Int, _) => "0",
        (ParamKind::Bool, _) => "true",
        (ParamKind::Bytes, _) if function == "SpanID" => "0x0102030405060708",
        (ParamKind::Bytes, _) => "0x0102030405060708090a0b0c0d0e0f10",
        (ParamKind::StringList, _) => "[]",
        (ParamKind::List, _) => r#"["a"]"#,
        (ParamKind::Function, _) => "SHA256",
    };
    text.to_owned()
}

fn call(function: &Function) -> String {
    let args: Vec<String> = function.params.iter().map(|p| argument(function.name, p)).collect();
    format!("{}({})", function.name, args.join(", "))
}

#[test]
fn every_catalog_function_builds() {
    let mut refused = Vec::new();
    for context in Context::ALL {
        let transform = Functions::transform(context);
        for editor in transform.editors() {
            let statement = call(editor);
            if let Err(e) = Statement::new(&statement, context) {
                refused.push(format!("{context}: {statement}: {e}"));
            }
        }
        for converter in transform.converters() {
            let statement = format!(r#"set(cache["x"], {})"#, call(converter));
            if let Err(e) = Statement::new(&statement, context) {
                refused.push(format!("{context}: {statement}: {e}"));
            }
        }
        for converter in Functions::filter(context).converters() {
            let condition = format!("{} == nil", call(converter));
            if let Err(e) = Condition::new(&condition, context) {
                refused.push(format!("{context}: {condition}: {e}"));
            }
        }
    }
    assert!(refused.is_empty(), "{}", refused.join("\n"));
}
