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
    BoxFuture, ConsumeError, Consumer, ConsumerHandle, Data, Encoded, Fanout, Output, Signal,
    Signals,
};

pub mod attributes;
pub mod filter;
pub mod memory_limiter;
pub mod probabilistic_sampler;
pub mod resourcedetection;
pub mod span;
pub mod tail_sampling;
pub mod transform;

/// What a processor does to one batch: changes it, or refuses it.
pub trait Transform: Send + Sync + 'static {
    fn apply(&self, data: &mut Data) -> Result<(), ConsumeError>;

    /// Whether the batch, once applied, is handed on: the filter
    /// processor keeps a batch it emptied to itself, as the collector's
    /// `ErrSkipProcessingData` does.
    fn passes_on(&self, _data: &Data) -> bool {
        true
    }

    /// Takes or refuses a batch without reading it (the memory limiter),
    /// so bytes pass as bytes; `None`: it reads batches, decoded.
    fn admit(&self) -> Option<Result<(), ConsumeError>> {
        None
    }
}

/// Reads a processor's settings; `output` says which signals it hands on.
pub type ReadFn<T> = Box<dyn Fn(&Args, &Output) -> Result<T, Error> + Send + Sync>;

/// The current settings, swapped whole on update.
pub type Current<T> = Arc<RwLock<Arc<T>>>;

struct Input<T> {
    current: Current<T>,
    fanout: Fanout,
    signals: Signals,
}

impl<T: Transform> Consumer for Input<T> {
    fn signals(&self) -> Signals {
        self.signals
    }

    fn consume(&self, mut data: Data) -> BoxFuture<'_, Result<(), ConsumeError>> {
        let transform = self.current.read().clone();
        Box::pin(async move {
            transform.apply(&mut data)?;
            if !transform.passes_on(&data) {
                return Ok(());
            }
            self.fanout.consume(data).await
        })
    }

    fn consume_encoded(&self, data: Encoded) -> BoxFuture<'_, Result<(), ConsumeError>> {
        let admitted = self.current.read().admit();
        Box::pin(async move {
            match admitted {
                Some(admitted) => {
                    admitted?;
                    self.fanout.consume_encoded(data).await
                }
                None => self.consume(data.decode()?).await,
            }
        })
    }
}

/// A processor built by [`build`].
pub struct Processor<T> {
    pub current: Current<T>,
    fanout: Fanout,
    read: ReadFn<T>,
    /// The signals it takes, and its `output` block lists.
    signals: &'static [Signal],
}

/// Reads the settings and the `output` block, exports `input`, and marks
/// the component healthy.
pub fn build<T: Transform>(ctx: &Ctx, args: &Args, read: ReadFn<T>) -> Result<Processor<T>, Error> {
    build_for(ctx, args, &Signal::ALL, read)
}

/// As [`build`], for a processor of only some signals (the span
/// processor's traces): its `input` takes only those, and its `output`
/// block lists only those.
pub fn build_for<T: Transform>(
    ctx: &Ctx,
    args: &Args,
    signals: &'static [Signal],
    read: ReadFn<T>,
) -> Result<Processor<T>, Error> {
    let output = Output::with_signals(args, signals)?;
    let current = Arc::new(RwLock::new(Arc::new(read(args, &output)?)));
    let fanout = Fanout::watched(ctx, output);
    let takes = Signals {
        traces: signals.contains(&Signal::Traces),
        metrics: signals.contains(&Signal::Metrics),
        logs: signals.contains(&Signal::Logs),
    };
    let input = Input { current: current.clone(), fanout: fanout.clone(), signals: takes };
    ctx.export(Object::from_iter([(
        "input".to_owned(),
        ConsumerHandle(Arc::new(input)).to_value(),
    )]));
    ctx.set_health(HealthKind::Healthy, "running");
    Ok(Processor { current, fanout, read, signals })
}

impl<T: Transform> Component for Processor<T> {
    fn update(&self, args: &Args) -> Result<(), Error> {
        let output = Output::with_signals(args, self.signals)?;
        let settings = (self.read)(args, &output)?;
        self.fanout.set(output);
        *self.current.write() = Arc::new(settings);
        Ok(())
    }
}
