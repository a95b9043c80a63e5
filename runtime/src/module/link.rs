//! What ties a running module to the component that runs it (a custom
//! component's instance, a `module.*`): the arguments the user gives,
//! which the module's `argument` components export as `value`, and the
//! values of its `export` blocks, published as the user's exports.

use std::sync::{Arc, Weak};

use parking_lot::Mutex;
use river_analyzer::{Object, Value};

use super::argument::Argument;
use crate::component::Ctx;

/// How a module's exports show on its user.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Shape {
    /// As the user's own exports (a custom component: `add.x.sum`).
    Own,
    /// Under `exports` (`module.file.x.exports.sum`).
    Exports,
}

pub(crate) struct Link {
    /// The user's context: where exports go.
    user: Ctx,
    shape: Shape,
    given: Mutex<Object>,
    arguments: Mutex<Vec<Weak<Argument>>>,
    exports: Mutex<Object>,
    /// The custom components being run, outermost first: a definition
    /// met again is a cycle.
    pub(crate) ancestry: Vec<String>,
}

impl Link {
    pub(crate) fn new(user: Ctx, shape: Shape, given: Object, ancestry: Vec<String>) -> Arc<Link> {
        let link = Link {
            user,
            shape,
            given: Mutex::new(given),
            arguments: Mutex::new(Vec::new()),
            exports: Mutex::new(Object::new()),
            ancestry,
        };
        Arc::new(link)
    }

    /// The value given for argument `name`, if any.
    pub(crate) fn given(&self, name: &str) -> Option<Value> {
        self.given.lock().get(name).cloned()
    }

    /// New arguments: each `argument` component exports its value again,
    /// and what reads it is evaluated again if it changed.
    pub(crate) fn give(&self, given: Object) {
        *self.given.lock() = given;
        let arguments: Vec<Arc<Argument>> = {
            let mut list = self.arguments.lock();
            list.retain(|a| a.strong_count() > 0);
            list.iter().filter_map(Weak::upgrade).collect()
        };
        for argument in arguments {
            argument.publish();
        }
    }

    pub(crate) fn add_argument(&self, argument: &Arc<Argument>) {
        self.arguments.lock().push(Arc::downgrade(argument));
    }

    /// Export `name` has a new value: the user's exports change with it.
    pub(crate) fn set_export(&self, name: &str, value: Value) {
        let exports = {
            let mut exports = self.exports.lock();
            exports.insert(name.to_owned(), value);
            exports.clone()
        };
        self.user.export(match self.shape {
            Shape::Own => exports,
            Shape::Exports => Object::from_iter([("exports".to_owned(), Value::Object(exports))]),
        });
    }

    /// The user's context (for its id, its storage and its health).
    pub(crate) fn user(&self) -> &Ctx {
        &self.user
    }
}
