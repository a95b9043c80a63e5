//! The XML-RPC the supervisord collector speaks: a call without
//! parameters, and the answer's value read from the XML (quick-xml's
//! events) as mattn/go-xmlrpc, node_exporter 1.5's client, reads it:
//! `methodResponse/params/param/value`, strings, integers (`int`, `i1`
//! to `i8`), booleans, doubles, arrays, structs and `nil`; other types
//! are kept as their text.

use quick_xml::events::Event;
use quick_xml::Reader;

/// A decoded XML-RPC value.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Str(String),
    Int(i64),
    Bool(bool),
    Double(f64),
    Array(Vec<Value>),
    Struct(Vec<(String, Value)>),
    Nil,
    /// `dateTime.iso8601`, `base64`, or a type XML-RPC does not define.
    Other(String),
}

/// The body of a call of `method` without parameters.
pub fn call(method: &str) -> String {
    let method = quick_xml::escape::escape(method);
    format!("<?xml version=\"1.0\"?><methodCall><methodName>{method}</methodName><params></params></methodCall>")
}

/// Answers never nest this deep; a deeper one is refused rather than
/// followed down the stack.
const MAX_DEPTH: usize = 32;

/// The value of a `methodResponse`; a fault is an error with its text.
pub fn response(xml: &str) -> Result<Value, String> {
    let mut parser = Parser { reader: Reader::from_str(xml), depth: 0 };
    for (want, missing) in [
        ("methodResponse", "invalid response: missing methodResponse"),
        ("params", "invalid response: missing params"),
        ("param", "invalid response: missing param"),
        ("value", "invalid response: missing value"),
    ] {
        match parser.next_start()? {
            Some((name, false)) if name == want => {}
            Some((name, false)) if name == "fault" => return Err(parser.fault()?),
            _ => return Err(missing.into()),
        }
    }
    parser.value()
}

struct Parser<'a> {
    reader: Reader<&'a [u8]>,
    depth: usize,
}

impl<'a> Parser<'a> {
    fn event(&mut self) -> Result<Event<'a>, String> {
        let at = self.reader.buffer_position();
        self.reader.read_event().map_err(|e| format!("not XML at byte {at}: {e}"))
    }

    /// The next element's name and whether it is empty (`<x/>`), skipping
    /// text, or `None` at an end tag or the document's end.
    fn next_start(&mut self) -> Result<Option<(String, bool)>, String> {
        loop {
            return Ok(match self.event()? {
                Event::Start(start) => Some((local(start.local_name().as_ref()), false)),
                Event::Empty(start) => Some((local(start.local_name().as_ref()), true)),
                Event::End(_) | Event::Eof => None,
                _ => continue,
            });
        }
    }

    /// A `<fault>` just opened: its code and text.
    fn fault(&mut self) -> Result<String, String> {
        let value = match self.next_start()? {
            Some((name, false)) if name == "value" => self.value()?,
            _ => return Err("invalid response: a fault without its value".into()),
        };
        let Value::Struct(members) = value else { return Ok(format!("fault {value:?}")) };
        let field = |key: &str| members.iter().find(|(k, _)| k == key).map(|(_, v)| v);
        match (field("faultCode"), field("faultString")) {
            (Some(Value::Int(code)), Some(Value::Str(text))) => Ok(format!("fault {code}: {text}")),
            _ => Ok(format!("fault {members:?}")),
        }
    }

    /// The text up to the end of the element `name` just opened
    /// (entities resolved, nested elements' text included).
    fn text_until_end(&mut self, name: &str) -> Result<String, String> {
        let mut text = String::new();
        let mut open = 0usize;
        loop {
            match self.event()? {
                Event::Text(t) => text.push_str(&t.into_inner()),
                Event::CData(t) => text.push_str(&t.into_inner()),
                Event::GeneralRef(r) => text.push_str(&entity(r)?),
                Event::Start(_) => open += 1,
                Event::End(_) if open > 0 => open -= 1,
                Event::End(_) => return Ok(text),
                Event::Eof => return Err(format!("the document ends inside <{name}>")),
                _ => {}
            }
        }
    }

    /// A `<value>` just opened, up to and including its end tag.
    fn value(&mut self) -> Result<Value, String> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(format!("values nested more than {MAX_DEPTH} deep"));
        }
        let mut untyped = String::new();
        let value = loop {
            match self.event()? {
                Event::Text(t) => untyped.push_str(&t.into_inner()),
                Event::GeneralRef(r) => untyped.push_str(&entity(r)?),
                Event::Start(start) => {
                    let kind = local(start.local_name().as_ref());
                    let value = self.typed(&kind)?;
                    self.close("value")?;
                    break value;
                }
                Event::Empty(start) => {
                    let kind = local(start.local_name().as_ref());
                    self.close("value")?;
                    break empty(&kind);
                }
                // No type: a string, as XML-RPC defines it.
                Event::End(_) => break Value::Str(untyped),
                Event::Eof => return Err("the document ends inside <value>".into()),
                _ => {}
            }
        };
        self.depth -= 1;
        Ok(value)
    }

    /// Skips to the end tag of the element that is open (`what` names it
    /// in errors), refusing another element before it.
    fn close(&mut self, what: &str) -> Result<(), String> {
        match self.next_start()? {
            None => Ok(()),
            Some((name, _)) => Err(format!("unexpected <{name}> in <{what}>")),
        }
    }

    /// The content of a typed element `<kind>` just opened, and its end.
    fn typed(&mut self, kind: &str) -> Result<Value, String> {
        match kind {
            "array" => self.array(),
            "struct" => self.structure(),
            _ => scalar(kind, self.text_until_end(kind)?),
        }
    }

    /// `<data>` and its values, then `</array>`.
    fn array(&mut self) -> Result<Value, String> {
        let mut items = Vec::new();
        match self.next_start()? {
            Some((name, false)) if name == "data" => {
                while let Some((name, empty)) = self.next_start()? {
                    if name != "value" {
                        return Err(format!("unexpected <{name}> in <data>"));
                    }
                    items.push(if empty { Value::Str(String::new()) } else { self.value()? });
                }
                self.close("array")?;
            }
            Some((name, true)) if name == "data" => self.close("array")?,
            None => {}
            Some((name, _)) => return Err(format!("unexpected <{name}> in <array>")),
        }
        Ok(Value::Array(items))
    }

    /// `<member>`s of `<name>` and `<value>`, up to `</struct>`.
    fn structure(&mut self) -> Result<Value, String> {
        let mut members = Vec::new();
        while let Some((tag, _)) = self.next_start()? {
            if tag != "member" {
                return Err(format!("unexpected <{tag}> in <struct>"));
            }
            let name = match self.next_start()? {
                Some((tag, false)) if tag == "name" => self.text_until_end("name")?,
                _ => return Err("invalid response: a member without its name".into()),
            };
            let value = match self.next_start()? {
                Some((tag, false)) if tag == "value" => self.value()?,
                Some((tag, true)) if tag == "value" => Value::Str(String::new()),
                _ => return Err(format!("invalid response: member {name:?} without its value")),
            };
            self.close("member")?;
            members.push((name, value));
        }
        Ok(Value::Struct(members))
    }
}

/// A scalar of type `kind` from its text.
fn scalar(kind: &str, text: String) -> Result<Value, String> {
    let bad = |what: &str| format!("invalid {what} {text:?}");
    Ok(match kind {
        "string" => Value::Str(text),
        "int" | "i1" | "i2" | "i4" | "i8" => {
            Value::Int(text.trim().parse().map_err(|_| bad("integer"))?)
        }
        "boolean" => match text.trim() {
            "1" | "true" => Value::Bool(true),
            "0" | "false" => Value::Bool(false),
            _ => return Err(bad("boolean")),
        },
        "double" => Value::Double(text.trim().parse().map_err(|_| bad("double"))?),
        "nil" => Value::Nil,
        _ => Value::Other(text),
    })
}

/// An empty typed element (`<string/>`, `<nil/>`).
fn empty(kind: &str) -> Value {
    match kind {
        "nil" => Value::Nil,
        "array" => Value::Array(Vec::new()),
        "struct" => Value::Struct(Vec::new()),
        "string" => Value::Str(String::new()),
        _ => Value::Other(String::new()),
    }
}

fn local(name: &str) -> String {
    name.to_owned()
}

/// The text of an entity or character reference.
fn entity(reference: quick_xml::events::BytesRef<'_>) -> Result<String, String> {
    if let Ok(Some(c)) = reference.resolve_char_ref() {
        return Ok(c.to_string());
    }
    let name = reference.into_inner();
    let text = quick_xml::escape::resolve_predefined_entity(&name);
    text.map(str::to_owned).ok_or_else(|| format!("unknown entity &{name};"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn python_answers() {
        // As Python's xmlrpc.server writes supervisor's answer.
        let xml = "<?xml version='1.0'?>\n<methodResponse>\n<params>\n<param>\n<value><array><data>\n\
            <value><struct>\n<member>\n<name>name</name>\n<value><string>web &amp; co</string></value>\n</member>\n\
            <member>\n<name>pid</name>\n<value><int>42</int></value>\n</member>\n\
            <member>\n<name>ok</name>\n<value><boolean>1</boolean></value>\n</member>\n\
            <member>\n<name>plain</name>\n<value>text</value>\n</member>\n\
            <member>\n<name>none</name>\n<value><nil/></value>\n</member>\n\
            </struct></value>\n</data></array></value>\n</param>\n</params>\n</methodResponse>\n";
        let value = response(xml).unwrap();
        assert_eq!(
            value,
            Value::Array(vec![Value::Struct(vec![
                ("name".into(), Value::Str("web & co".into())),
                ("pid".into(), Value::Int(42)),
                ("ok".into(), Value::Bool(true)),
                ("plain".into(), Value::Str("text".into())),
                ("none".into(), Value::Nil),
            ])])
        );
        let empty = "<methodResponse><params><param><value><array><data/></array></value></param></params></methodResponse>";
        assert_eq!(response(empty).unwrap(), Value::Array(vec![]));
    }

    #[test]
    fn faults_and_bad_answers() {
        let fault = "<methodResponse><fault><value><struct>\
            <member><name>faultCode</name><value><int>1</int></value></member>\
            <member><name>faultString</name><value><string>UNKNOWN_METHOD</string></value></member>\
            </struct></value></fault></methodResponse>";
        assert_eq!(response(fault).unwrap_err(), "fault 1: UNKNOWN_METHOD");
        assert_eq!(
            response("<html></html>").unwrap_err(),
            "invalid response: missing methodResponse"
        );
        let bad = "<methodResponse><params><param><value><int>x</int></value></param></params></methodResponse>";
        assert!(response(bad).unwrap_err().contains("invalid integer"));
        let deep =
            format!("<methodResponse><params><param><value>{}", "<array><data><value>".repeat(100));
        assert!(response(&deep).unwrap_err().contains("nested"));
    }

    #[test]
    fn the_call() {
        assert_eq!(
            call("supervisor.getAllProcessInfo"),
            "<?xml version=\"1.0\"?><methodCall><methodName>supervisor.getAllProcessInfo</methodName><params></params></methodCall>"
        );
    }
}
