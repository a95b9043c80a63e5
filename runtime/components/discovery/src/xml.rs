//! XML answers as a tree of elements (Eureka's and EC2's APIs answer in
//! XML): names without namespaces, attributes, text with entities
//! resolved, children in order. A document nested deeper than any answer
//! is refused rather than built; every failure names its byte.

use quick_xml::events::{BytesStart, Event};

/// An XML element: its name, attributes, text and children.
#[derive(Debug, Default)]
pub(crate) struct Element {
    pub name: String,
    pub attributes: Vec<(String, String)>,
    pub text: String,
    pub children: Vec<Element>,
}

impl Element {
    pub fn child(&self, name: &str) -> Option<&Element> {
        self.children.iter().find(|c| c.name == name)
    }

    /// The text of child `name`, as written, when there is one.
    pub fn text_of(&self, name: &str) -> Option<String> {
        self.child(name).map(|c| c.text.clone())
    }

    /// The text of child `name` without surrounding space; empty when
    /// there is none.
    pub fn trimmed(&self, name: &str) -> String {
        self.child(name).map(|c| c.text.trim().to_owned()).unwrap_or_default()
    }

    /// The `<item>`s of list `name` (`<tagSet><item>...`).
    pub fn items<'a>(&'a self, name: &str) -> impl Iterator<Item = &'a Element> + 'a {
        let list = self.child(name).map(|l| l.children.as_slice()).unwrap_or_default();
        list.iter().filter(|i| i.name == "item")
    }
}

/// Why an answer is not the XML document it should be, and at which byte.
#[derive(Debug, thiserror::Error)]
#[error("not XML at byte {at}: {why}")]
pub(crate) struct XmlError {
    at: u64,
    why: String,
}

/// The answers nest a dozen elements deep; a deeper document is refused
/// rather than built (and dropped) element by element.
const MAX_DEPTH: usize = 100;

/// The document's root element.
pub(crate) fn parse(text: &str) -> Result<Element, XmlError> {
    let mut reader = quick_xml::Reader::from_str(text);
    let mut stack: Vec<Element> = vec![Element::default()];
    loop {
        let at = reader.buffer_position();
        let fail = |why: String| XmlError { at, why };
        let text = match reader.read_event().map_err(|e| fail(e.to_string()))? {
            Event::Start(start) => {
                if stack.len() > MAX_DEPTH {
                    return Err(fail(format!("elements nested more than {MAX_DEPTH} deep")));
                }
                stack.push(element(&start, at)?);
                continue;
            }
            Event::Empty(start) => {
                let done = element(&start, at)?;
                top(&mut stack, at)?.children.push(done);
                continue;
            }
            Event::End(_) => {
                let done = stack.pop().ok_or_else(|| fail("an end without a start".into()))?;
                top(&mut stack, at)?.children.push(done);
                continue;
            }
            Event::Text(text) => text.into_inner().into_owned(),
            Event::CData(data) => data.into_inner().into_owned(),
            Event::GeneralRef(reference) => entity(reference).map_err(fail)?,
            Event::Eof => break,
            _ => continue,
        };
        top(&mut stack, at)?.text.push_str(&text);
    }
    let at = reader.buffer_position();
    let document = stack.pop().filter(|_| stack.is_empty());
    let document =
        document.ok_or_else(|| XmlError { at, why: "the document ends early".into() })?;
    let root = document.children.into_iter().next();
    root.ok_or_else(|| XmlError { at, why: "an empty document".into() })
}

/// The text an entity or character reference stands for.
fn entity(reference: quick_xml::events::BytesRef<'_>) -> Result<String, String> {
    if let Ok(Some(c)) = reference.resolve_char_ref() {
        return Ok(c.to_string());
    }
    let name = reference.into_inner();
    let text = quick_xml::escape::resolve_predefined_entity(&name);
    text.map(str::to_owned).ok_or_else(|| format!("unknown entity &{name};"))
}

/// The element being read; none once the document has ended.
fn top(stack: &mut [Element], at: u64) -> Result<&mut Element, XmlError> {
    stack.last_mut().ok_or_else(|| XmlError { at, why: "an end without a start".into() })
}

fn element(start: &BytesStart<'_>, at: u64) -> Result<Element, XmlError> {
    let fail = |why: String| XmlError { at, why };
    let name: String = start.local_name().as_ref().to_owned();
    let mut attributes = Vec::new();
    for attribute in start.attributes() {
        let attribute = attribute.map_err(|e| fail(e.to_string()))?;
        let key: String = attribute.key.local_name().as_ref().to_owned();
        let value = attribute
            .normalized_value(quick_xml::XmlVersion::Implicit1_0)
            .map_err(|e| fail(e.to_string()))?;
        attributes.push((key, value.into_owned()));
    }
    Ok(Element { name, attributes, ..Element::default() })
}
