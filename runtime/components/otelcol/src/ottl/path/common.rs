//! The resource's and the instrumentation scope's paths
//! (`ottlresource`, `ottlscope`, and `resource.*`,
//! `instrumentation_scope.*` from every context below them).

use opentelemetry_proto::tonic::common::v1::InstrumentationScope;
use opentelemetry_proto::tonic::resource::v1::Resource;
use river_ottl::ast::KeyValue as Key;

use super::{int, keys, lookup, put_string};
use crate::ottl::value::{Pdata, Val};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResourceField {
    Whole,
    Attributes,
    DroppedAttributesCount,
}

impl ResourceField {
    pub(super) fn named(name: &str) -> Option<Self> {
        use ResourceField::*;
        lookup(
            &[
                ("", Whole),
                ("attributes", Attributes),
                ("dropped_attributes_count", DroppedAttributesCount),
            ],
            name,
        )
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScopeField {
    Whole,
    Name,
    Version,
    Attributes,
    DroppedAttributesCount,
}

impl ScopeField {
    pub(super) fn named(name: &str) -> Option<Self> {
        use ScopeField::*;
        let table = [
            ("", Whole),
            ("name", Name),
            ("version", Version),
            ("attributes", Attributes),
            ("dropped_attributes_count", DroppedAttributesCount),
        ];
        lookup(&table, name)
    }
}

pub(super) fn get_resource(
    field: ResourceField,
    resource: Option<&Resource>,
    keys: &[Key],
) -> Result<Val, String> {
    let empty = Resource::default();
    let resource = resource.unwrap_or(&empty);
    Ok(match field {
        ResourceField::Whole => Val::pdata(Pdata::Resource(resource.clone())),
        ResourceField::Attributes => return keys::get_attrs(&resource.attributes, keys),
        ResourceField::DroppedAttributesCount => Val::Int(resource.dropped_attributes_count.into()),
    })
}

pub(super) fn set_resource(
    field: ResourceField,
    resource: &mut Resource,
    keys: &[Key],
    val: Val,
) -> Result<(), String> {
    match (field, val) {
        (ResourceField::Whole, Val::Pdata(p)) => {
            if let Pdata::Resource(r) = *p {
                *resource = r;
            }
        }
        (ResourceField::Attributes, val) => {
            return keys::set_attrs(&mut resource.attributes, keys, val)
        }
        (ResourceField::DroppedAttributesCount, val) => {
            if let Some(n) = int(&val) {
                resource.dropped_attributes_count = n as u32;
            }
        }
        _ => {}
    }
    Ok(())
}

pub(super) fn get_scope(
    field: ScopeField,
    scope: Option<&InstrumentationScope>,
    keys: &[Key],
) -> Result<Val, String> {
    let empty = InstrumentationScope::default();
    let scope = scope.unwrap_or(&empty);
    Ok(match field {
        ScopeField::Whole => Val::pdata(Pdata::Scope(scope.clone())),
        ScopeField::Name => Val::Str(scope.name.clone()),
        ScopeField::Version => Val::Str(scope.version.clone()),
        ScopeField::Attributes => return keys::get_attrs(&scope.attributes, keys),
        ScopeField::DroppedAttributesCount => Val::Int(scope.dropped_attributes_count.into()),
    })
}

pub(super) fn set_scope(
    field: ScopeField,
    scope: &mut InstrumentationScope,
    keys: &[Key],
    val: Val,
) -> Result<(), String> {
    match field {
        ScopeField::Whole => {
            if let Val::Pdata(p) = val {
                if let Pdata::Scope(s) = *p {
                    *scope = s;
                }
            }
        }
        ScopeField::Name => put_string(&mut scope.name, val),
        ScopeField::Version => put_string(&mut scope.version, val),
        ScopeField::Attributes => return keys::set_attrs(&mut scope.attributes, keys, val),
        ScopeField::DroppedAttributesCount => {
            if let Some(n) = int(&val) {
                scope.dropped_attributes_count = n as u32;
            }
        }
    }
    Ok(())
}
