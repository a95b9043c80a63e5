//! What the processors that change data in place share: an `input` that
//! applies the current settings to each batch and hands it on, and the
//! update that swaps settings and outputs together.

use std::sync::Arc;

use parking_lot::RwLock;
use river_analyzer::Object;
use river_runtime::args::Args;
use river_runtime::component::{Component, Ctx, HealthKind};
use river_runtime::error::Error;

use crate::consumer::{
    BoxFuture, ConsumeError, Consumer, ConsumerHandle, Data, Fanout, Output, Signals,
};

pub mod attributes;
pub mod memory_limiter;
pub mod resourcedetection;

/// What a processor does to one batch: changes it, or refuses it.
pub trait Transform: Send + Sync + 'static {
    fn apply(&self, data: &mut Data) -> Result<(), ConsumeError>;
}

/// Reads a processor's settings; `output` says which signals it hands on.
pub type ReadFn<T> = Box<dyn Fn(&Args, &Output) -> Result<T, Error> + Send + Sync>;

/// The current settings, swapped whole on update.
pub type Current<T> = Arc<RwLock<Arc<T>>>;

struct Input<T> {
    current: Current<T>,
    fanout: Fanout,
}

impl<T: Transform> Consumer for Input<T> {
    fn signals(&self) -> Signals {
        Signals::ALL
    }

    fn consume(&self, mut data: Data) -> BoxFuture<'_, Result<(), ConsumeError>> {
        let transform = self.current.read().clone();
        Box::pin(async move {
            transform.apply(&mut data)?;
            self.fanout.consume(data).await
        })
    }
}

/// A processor built by [`build`].
pub struct Processor<T> {
    pub current: Current<T>,
    fanout: Fanout,
    read: ReadFn<T>,
}

/// Reads the settings and the `output` block, exports `input`, and marks
/// the component healthy.
pub fn build<T: Transform>(ctx: &Ctx, args: &Args, read: ReadFn<T>) -> Result<Processor<T>, Error> {
    let output = Output::from_args(args)?;
    let current = Arc::new(RwLock::new(Arc::new(read(args, &output)?)));
    let fanout = Fanout::watched(ctx, output);
    let input =
        ConsumerHandle(Arc::new(Input { current: current.clone(), fanout: fanout.clone() }));
    ctx.export(Object::from_iter([("input".to_owned(), input.to_value())]));
    ctx.set_health(HealthKind::Healthy, "running");
    Ok(Processor { current, fanout, read })
}

impl<T: Transform> Component for Processor<T> {
    fn update(&self, args: &Args) -> Result<(), Error> {
        let output = Output::from_args(args)?;
        let settings = (self.read)(args, &output)?;
        self.fanout.set(output);
        *self.current.write() = Arc::new(settings);
        Ok(())
    }
}
