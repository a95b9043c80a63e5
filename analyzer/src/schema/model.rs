//! The shape of a schema: what a component or config block accepts in its
//! body, and what it exports. The generator writes these structures as JSON
//! and the registry reads them back, so both sides share one definition.

use serde::{Deserialize, Serialize};

use super::SchemaType;

/// A component (`prometheus.scrape`) or a config block (`logging`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Component {
    pub name: String,
    pub kind: Kind,
    pub label: Label,
    #[serde(default, skip_serializing_if = "Stability::is_stable")]
    pub stability: Stability,
    #[serde(default, skip_serializing_if = "is_false")]
    pub deprecated: bool,
    /// The reference page.
    pub doc: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    #[serde(flatten)]
    pub body: Body,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub exports: Vec<Field>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Component,
    ConfigBlock,
}

/// Whether the block takes a label (`prometheus.scrape "default" { }`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Label {
    Required,
    Forbidden,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stability {
    #[default]
    Stable,
    Beta,
    Experimental,
}

impl Stability {
    fn is_stable(&self) -> bool {
        *self == Stability::Stable
    }
}

/// What may appear between the braces of a component or block.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Body {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub arguments: Vec<Argument>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub blocks: Vec<Block>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub constraints: Vec<Constraint>,
    /// The body is a config of its own (`declare`): components, `argument`
    /// and `export` blocks, not a fixed set of names.
    #[serde(default, skip_serializing_if = "is_false")]
    pub open: bool,
    /// Any attribute name is accepted (the `arguments` block of `module.*`,
    /// whose names are the module's own).
    #[serde(default, skip_serializing_if = "is_false")]
    pub free_arguments: bool,
    /// Also accepts every block of the body at this path (a `stage.match`
    /// of `loki.process` holds further stages).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub blocks_from: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Argument {
    pub name: String,
    #[serde(rename = "type")]
    pub ty: SchemaType,
    /// The default as River text, where the reference gives one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<String>,
    #[serde(default, skip_serializing_if = "is_false")]
    pub required: bool,
    /// The only values allowed, where the reference lists them.
    #[serde(default, rename = "enum", skip_serializing_if = "Vec::is_empty")]
    pub enum_values: Vec<String>,
    #[serde(default, skip_serializing_if = "is_false")]
    pub deprecated: bool,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Block {
    pub name: String,
    #[serde(default, skip_serializing_if = "is_false")]
    pub required: bool,
    /// May appear more than once in the same body.
    #[serde(default, skip_serializing_if = "is_false")]
    pub repeatable: bool,
    /// The anchor of its section on the component's reference page.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub anchor: String,
    /// The shared definition it comes from (`tls_config`), which lets
    /// descriptions be written once for every place it appears.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shared: Option<String>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    #[serde(flatten)]
    pub body: Body,
}

/// An exported field (`targets` of `discovery.kubernetes`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Field {
    pub name: String,
    #[serde(rename = "type")]
    pub ty: SchemaType,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
}

/// A rule over several arguments and blocks of one body.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Constraint {
    pub kind: ConstraintKind,
    /// Names of arguments or blocks of the same body.
    pub members: Vec<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConstraintKind {
    /// Setting two of them is an error.
    AtMostOne,
    /// Exactly one of them must be set.
    ExactlyOne,
}

fn is_false(value: &bool) -> bool {
    !*value
}

impl Body {
    pub fn argument(&self, name: &str) -> Option<&Argument> {
        self.arguments.iter().find(|a| a.name == name)
    }

    pub fn block(&self, name: &str) -> Option<&Block> {
        self.blocks.iter().find(|b| b.name == name)
    }

    pub fn argument_mut(&mut self, name: &str) -> Option<&mut Argument> {
        self.arguments.iter_mut().find(|a| a.name == name)
    }

    pub fn block_mut(&mut self, name: &str) -> Option<&mut Block> {
        self.blocks.iter_mut().find(|b| b.name == name)
    }
}

impl Component {
    pub fn export(&self, name: &str) -> Option<&Field> {
        self.exports.iter().find(|f| f.name == name)
    }

    /// The reference page of this component, at the section of `block`
    /// when given (an argument links to the section of its block).
    pub fn link(&self, block: Option<&Block>) -> String {
        match block {
            Some(block) if !block.anchor.is_empty() => format!("{}{}", self.doc, block.anchor),
            _ => self.doc.clone(),
        }
    }
}
