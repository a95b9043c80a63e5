//! The EC2 API's answers (its query protocol answers in XML): the
//! instances of a `DescribeInstances` page with the token of the next, the
//! zones of `DescribeAvailabilityZones`, and the code and message of an
//! error. An element the answer leaves out is `None`, as the SDK leaves
//! its field nil, which decides some labels.

use std::collections::HashMap;

use quick_xml::events::Event;

/// An XML element: its name, text and children.
#[derive(Debug, Default)]
pub(crate) struct Node {
    name: String,
    text: String,
    children: Vec<Node>,
}

impl Node {
    fn child(&self, name: &str) -> Option<&Node> {
        self.children.iter().find(|c| c.name == name)
    }

    /// The text of child `name`, when there is one.
    fn text_of(&self, name: &str) -> Option<String> {
        self.child(name).map(|c| c.text.clone())
    }

    /// The `<item>`s of list `name` (`<tagSet><item>...`).
    fn items<'a>(&'a self, name: &str) -> impl Iterator<Item = &'a Node> + 'a {
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

/// The API's answers nest a dozen elements deep; a deeper document is
/// refused rather than built (and dropped) element by element.
const MAX_DEPTH: usize = 100;

/// The document's root element.
pub(crate) fn parse(text: &str) -> Result<Node, XmlError> {
    let mut reader = quick_xml::Reader::from_str(text);
    let mut stack: Vec<Node> = vec![Node::default()];
    loop {
        let at = reader.buffer_position();
        let fail = |why: String| XmlError { at, why };
        let text = match reader.read_event().map_err(|e| fail(e.to_string()))? {
            Event::Start(start) => {
                if stack.len() > MAX_DEPTH {
                    return Err(fail(format!("elements nested more than {MAX_DEPTH} deep")));
                }
                stack.push(node(&start));
                continue;
            }
            Event::Empty(start) => {
                top(&mut stack, at)?.children.push(node(&start));
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
fn top(stack: &mut [Node], at: u64) -> Result<&mut Node, XmlError> {
    stack.last_mut().ok_or_else(|| XmlError { at, why: "an end without a start".into() })
}

fn node(start: &quick_xml::events::BytesStart<'_>) -> Node {
    Node { name: start.local_name().as_ref().to_owned(), ..Node::default() }
}

/// One instance, with the owner of its reservation.
#[derive(Debug, Default, PartialEq)]
pub(crate) struct Instance {
    pub owner_id: Option<String>,
    pub instance_id: String,
    pub image_id: String,
    pub state: String,
    pub instance_type: String,
    pub availability_zone: String,
    pub private_ip: Option<String>,
    pub private_dns: Option<String>,
    pub public_ip: Option<String>,
    pub public_dns: Option<String>,
    pub platform: Option<String>,
    pub lifecycle: Option<String>,
    pub architecture: Option<String>,
    pub vpc_id: Option<String>,
    pub subnet_id: Option<String>,
    pub interfaces: Vec<Interface>,
    pub tags: Vec<(String, String)>,
}

/// A network interface: its subnet, its device index, and its IPv6
/// addresses with whether each is the primary one.
#[derive(Debug, Default, PartialEq)]
pub(crate) struct Interface {
    pub subnet_id: Option<String>,
    pub device_index: Option<u32>,
    pub ipv6: Vec<(String, bool)>,
}

/// A `DescribeInstancesResponse`: its instances, and the token of the
/// next page when there is one.
pub(crate) struct Page {
    pub instances: Vec<Instance>,
    pub next_token: Option<String>,
}

pub(crate) fn page(root: &Node) -> Page {
    let mut instances = Vec::new();
    for reservation in root.items("reservationSet") {
        let owner_id = reservation.text_of("ownerId");
        for item in reservation.items("instancesSet") {
            instances.push(Instance { owner_id: owner_id.clone(), ..instance(item) });
        }
    }
    let next_token = root.text_of("nextToken").filter(|t| !t.is_empty());
    Page { instances, next_token }
}

/// An `<item>` of `instancesSet`, under the SDK's names for its elements.
fn instance(item: &Node) -> Instance {
    let text = |name: &str| item.text_of(name);
    let nested = |outer: &str, inner: &str| item.child(outer).and_then(|o| o.text_of(inner));
    Instance {
        owner_id: None,
        instance_id: text("instanceId").unwrap_or_default(),
        image_id: text("imageId").unwrap_or_default(),
        state: nested("instanceState", "name").unwrap_or_default(),
        instance_type: text("instanceType").unwrap_or_default(),
        availability_zone: nested("placement", "availabilityZone").unwrap_or_default(),
        private_ip: text("privateIpAddress"),
        private_dns: text("privateDnsName"),
        public_ip: text("ipAddress"),
        public_dns: text("dnsName"),
        platform: text("platform"),
        lifecycle: text("instanceLifecycle"),
        architecture: text("architecture"),
        vpc_id: text("vpcId"),
        subnet_id: text("subnetId"),
        interfaces: item.items("networkInterfaceSet").map(interface).collect(),
        tags: item
            .items("tagSet")
            .filter_map(|t| Some((t.text_of("key")?, t.text_of("value")?)))
            .collect(),
    }
}

fn interface(item: &Node) -> Interface {
    let index = item.child("attachment").and_then(|a| a.text_of("deviceIndex"));
    Interface {
        subnet_id: item.text_of("subnetId"),
        device_index: index.and_then(|i| i.trim().parse().ok()),
        ipv6: item
            .items("ipv6AddressesSet")
            .filter_map(|a| {
                let primary = a.text_of("isPrimaryIpv6").is_some_and(|p| p.trim() == "true");
                Some((a.text_of("ipv6Address")?, primary))
            })
            .collect(),
    }
}

/// Each zone's ID by its name, from a `DescribeAvailabilityZonesResponse`.
pub(crate) fn zones(root: &Node) -> HashMap<String, String> {
    let zones = root.items("availabilityZoneInfo");
    zones.filter_map(|z| Some((z.text_of("zoneName")?, z.text_of("zoneId")?))).collect()
}

/// `Code: Message` of an error answer (`<Response><Errors><Error>`).
pub(crate) fn error(text: &str) -> Option<String> {
    let root = parse(text).ok()?;
    let error = root.child("Errors")?.child("Error")?;
    let code = error.text_of("Code").unwrap_or_default();
    Some(format!("{code}: {}", error.text_of("Message").unwrap_or_default()))
}
