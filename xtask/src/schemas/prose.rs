//! Facts the reference pages state only in prose: arguments that exclude
//! each other, enum-like values, blocks that may repeat, deprecation. The
//! phrasings are the ones the pages use; anything they miss is corrected in
//! the overlay, which the corpus tests keep honest.

use river_analyzer::schema::{Body, Constraint, ConstraintKind, SchemaType};

use super::markdown::{Page, Section};

/// Paragraphs and list items of a section, each joined into one line.
fn paragraphs(section: &Section) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut open = false;
    for line in &section.lines {
        let trimmed = line.trim();
        let item = trimmed.starts_with("* ") || trimmed.starts_with("- ");
        if trimmed.is_empty() || trimmed.contains(" | ") {
            open = false;
            if !trimmed.is_empty() {
                out.push(trimmed.to_owned());
            }
            continue;
        }
        match out.last_mut() {
            Some(last) if open && !item => {
                last.push(' ');
                last.push_str(trimmed);
            }
            _ => out.push(trimmed.to_owned()),
        }
        open = true;
    }
    out
}

fn is_item(paragraph: &str) -> bool {
    paragraph.starts_with("* ") || paragraph.starts_with("- ")
}

/// Contents of the code spans in `text`, without quotes.
fn code_spans(text: &str) -> Vec<String> {
    text.split('`').skip(1).step_by(2).map(|s| s.trim_matches('"').to_owned()).collect()
}

/// The first code span of each list item that follows paragraph `i`.
fn following_items(paragraphs: &[String], i: usize) -> Vec<String> {
    paragraphs[i + 1..]
        .iter()
        .take_while(|p| is_item(p))
        .filter_map(|p| code_spans(p).into_iter().next())
        .collect()
}

fn has_member(body: &Body, name: &str) -> bool {
    body.argument(name).is_some() || body.block(name).is_some()
}

/// Everything the prose of `sections` says about `body`.
pub fn read(sections: &[&Section], body: &mut Body) {
    constraints(sections, body);
    enums(sections, body);
}

fn constraints(sections: &[&Section], body: &mut Body) {
    for section in sections {
        let paragraphs = paragraphs(section);
        for (i, p) in paragraphs.iter().enumerate() {
            let lower = p.to_lowercase();
            let mut found: Vec<(ConstraintKind, Vec<String>)> = Vec::new();
            if lower.contains("one of the following can be provided") {
                found.push((ConstraintKind::AtMostOne, following_items(&paragraphs, i)));
            } else if lower.contains("pairs of arguments are mutually exclusive") {
                for item in paragraphs[i + 1..].iter().take_while(|p| is_item(p)) {
                    found.push((ConstraintKind::AtMostOne, code_spans(item)));
                }
            } else {
                for sentence in p.split(". ") {
                    let lower = sentence.to_lowercase();
                    if lower.contains("exactly one of") {
                        found.push((ConstraintKind::ExactlyOne, code_spans(sentence)));
                    } else if lower.contains("mutually exclusive")
                        || lower.contains("expects only one of")
                    {
                        found.push((ConstraintKind::AtMostOne, code_spans(sentence)));
                    }
                }
            }
            for (kind, members) in found {
                add_constraint(body, kind, members);
            }
        }
    }
}

fn add_constraint(body: &mut Body, kind: ConstraintKind, members: Vec<String>) {
    let mut members: Vec<String> = members.into_iter().filter(|m| has_member(body, m)).collect();
    members.dedup();
    if members.len() < 2 {
        return;
    }
    let mut sorted = members.clone();
    sorted.sort();
    let known = body.constraints.iter().any(|c| {
        let mut other = c.members.clone();
        other.sort();
        other == sorted
    });
    if !known {
        body.constraints.push(Constraint { kind, members });
    }
}

/// Enum-like values stated after the table: "The `x` argument must be one
/// of the following strings:" with a list, or "`x` must be set to one of
/// `a` or `b`". The argument is the last code span before the verb.
fn enums(sections: &[&Section], body: &mut Body) {
    const VERBS: [&str; 5] = [
        "must be one of",
        "should be one of",
        "can be one of",
        "set to one of",
        "must be set to either",
    ];
    for section in sections {
        let paragraphs = paragraphs(section);
        for (i, p) in paragraphs.iter().enumerate() {
            let lower = p.to_lowercase();
            let Some((at, verb)) = VERBS.iter().find_map(|v| lower.find(v).map(|at| (at, v)))
            else {
                continue;
            };
            // "The `role` argument ... It must be set to one of": the
            // subject may sit in the sentence before.
            let Some(name) = code_spans(&p[..at]).pop() else { continue };
            let rest = &p[at + verb.len()..];
            let values = if rest.trim_start().starts_with("the following") {
                following_items(&paragraphs, i)
            } else {
                code_spans(rest.split(". ").next().unwrap_or(rest))
            };
            set_enum(body, &name, values);
        }
    }
}

fn set_enum(body: &mut Body, name: &str, values: Vec<String>) {
    let Some(argument) = body.argument_mut(name) else { return };
    if argument.ty == SchemaType::String && argument.enum_values.is_empty() && values.len() >= 2 {
        argument.enum_values = values;
    }
}

/// Values listed in an argument's own description ("Must be one of SRV, A,
/// AAAA, or MX.").
pub fn enum_in_description(description: &str) -> Vec<String> {
    let lower = description.to_lowercase();
    let Some(at) = lower.find("must be one of ").or_else(|| lower.find("can be one of ")) else {
        return Vec::new();
    };
    let rest = &description[at..];
    let rest = &rest[rest.find("one of ").unwrap() + "one of ".len()..];
    let sentence = rest.split(". ").next().unwrap_or(rest).trim_end_matches('.');
    let spans = code_spans(sentence);
    if !spans.is_empty() {
        return spans;
    }
    sentence
        .split([','])
        .flat_map(|part| part.split(" or "))
        .map(|v| v.trim().trim_start_matches("or ").to_owned())
        .filter(|v| !v.is_empty() && !v.contains(' '))
        .collect()
}

/// Whether the page says a block may appear more than once.
pub fn repeatable(page: &Page, section: &Section, name: &str) -> bool {
    let own = section.text().to_lowercase();
    let own_says = ["multiple times", "more than once", "can be repeated", "may be repeated"]
        .iter()
        .any(|p| own.contains(p));
    let quoted = format!("multiple `{name}` blocks");
    let elsewhere = page.sections.iter().any(|s| {
        let text = s.text().to_lowercase();
        text.contains(&quoted) || text.contains(&format!("`{name}` block one or multiple times"))
    });
    own_says || elsewhere
}

/// A page whose title marks the component deprecated, or whose
/// introduction says "`NAME` is deprecated" (not merely that something it
/// mentions is).
pub fn deprecated_page(page: &Page, name: &str) -> bool {
    let said = format!("`{name}` is deprecated");
    page.title.to_lowercase().contains("(deprecated)")
        || page.sections.iter().take_while(|s| s.level != 2).any(|s| s.text().contains(&said))
}

#[cfg(test)]
mod tests {
    use river_analyzer::schema::Argument;

    use super::*;

    fn body(names: &[&str]) -> Body {
        let arguments = names
            .iter()
            .map(|n| Argument {
                name: n.to_string(),
                ty: SchemaType::String,
                default: None,
                required: false,
                enum_values: Vec::new(),
                deprecated: false,
                description: String::new(),
            })
            .collect();
        Body { arguments, ..Body::default() }
    }

    #[test]
    fn at_most_one_of_a_list() {
        let mut b = body(&["bearer_token", "bearer_token_file", "other"]);
        let section = Section::of(
            "At most, one of the following can be provided:\n - [`bearer_token` argument](#x).\n - [`bearer_token_file` argument](#x).\n - [`basic_auth` block][basic_auth].",
        );
        read(&[&section], &mut b);
        assert_eq!(b.constraints.len(), 1);
        assert_eq!(b.constraints[0].members, ["bearer_token", "bearer_token_file"]);
    }

    #[test]
    fn mutually_exclusive_and_exactly_one() {
        let mut b = body(&["password", "password_file", "url", "url_file"]);
        let section = Section::of(
            "`password` and `password_file` are mutually exclusive.\n\nExactly one of `url` or `url_file` must be given.",
        );
        read(&[&section], &mut b);
        assert_eq!(b.constraints[0].kind, ConstraintKind::AtMostOne);
        assert_eq!(b.constraints[1].kind, ConstraintKind::ExactlyOne);
        assert_eq!(b.constraints[1].members, ["url", "url_file"]);
    }

    #[test]
    fn enums_from_prose_and_descriptions() {
        let mut b = body(&["role", "mode"]);
        let section = Section::of(
            "The `role` argument picks the kind. It\nmust be set to one of the following:\n\n* `\"robot\"`: one.\n* `\"hcloud\"`: two.\n\nThe `mode` argument must be one of `\"a\"` or `\"b\"`.",
        );
        read(&[&section], &mut b);
        assert_eq!(b.argument("role").unwrap().enum_values, ["robot", "hcloud"]);
        assert_eq!(b.argument("mode").unwrap().enum_values, ["a", "b"]);
        assert_eq!(
            enum_in_description("Type of record. Must be one of SRV, A, or MX."),
            ["SRV", "A", "MX"]
        );
        assert!(enum_in_description("Where to send data.").is_empty());
    }
}
