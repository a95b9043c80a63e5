//! The `output` block of receivers and processors, and the fan-out that
//! hands data to the consumers it lists.

use std::sync::Arc;

use parking_lot::RwLock;
use river_runtime::args::{ArgError, Args};
use river_runtime::component::Ctx;
use river_runtime::live::LiveTap;

use super::{ConsumeError, ConsumerHandle, Data, Encoded, Payload, Signal};

/// The `output` block: the consumers each signal goes to.
#[derive(Clone, Default)]
pub struct Output {
    pub traces: Vec<ConsumerHandle>,
    pub metrics: Vec<ConsumerHandle>,
    pub logs: Vec<ConsumerHandle>,
}

impl Output {
    /// Reads the `output` block of `args`; a consumer listed under a
    /// signal it does not take is refused there, as the reference does.
    pub fn from_args(args: &Args) -> Result<Output, ArgError> {
        Output::with_signals(args, &Signal::ALL)
    }

    /// As [`Output::from_args`], for a block that lists only `signals`
    /// (a connector's output: the signal it makes).
    pub fn with_signals(args: &Args, signals: &[Signal]) -> Result<Output, ArgError> {
        let block = args.block_or_empty("output");
        let mut output = Output::default();
        for &signal in signals {
            let consumers: Vec<ConsumerHandle> = block.get(signal.name())?;
            for (i, consumer) in consumers.iter().enumerate() {
                let takes = consumer.0.signals();
                if !takes.takes(signal) {
                    return Err(block.invalid(
                        signal.name(),
                        format!(
                            "element {i} does not accept {} (it takes {})",
                            signal.name(),
                            takes.names()
                        ),
                    ));
                }
            }
            *output.list_mut(signal) = consumers;
        }
        Ok(output)
    }

    pub fn list(&self, signal: Signal) -> &[ConsumerHandle] {
        match signal {
            Signal::Traces => &self.traces,
            Signal::Metrics => &self.metrics,
            Signal::Logs => &self.logs,
        }
    }

    fn list_mut(&mut self, signal: Signal) -> &mut Vec<ConsumerHandle> {
        match signal {
            Signal::Traces => &mut self.traces,
            Signal::Metrics => &mut self.metrics,
            Signal::Logs => &mut self.logs,
        }
    }
}

/// Hands data to every consumer its `output` lists for the data's signal;
/// the list can change while it runs (`set`). A component's fan-out
/// shows what it hands on to live debugging.
#[derive(Clone, Default)]
pub struct Fanout(Arc<RwLock<Output>>, Option<LiveTap>);

impl Fanout {
    pub fn new(output: Output) -> Fanout {
        Fanout(Arc::new(RwLock::new(output)), None)
    }

    /// The fan-out of `ctx`'s component, watched by live debugging.
    pub fn watched(ctx: &Ctx, output: Output) -> Fanout {
        Fanout(Arc::new(RwLock::new(output)), Some(ctx.live()))
    }

    pub fn set(&self, output: Output) {
        *self.0.write() = output;
    }

    /// Gives `data` to each consumer of its signal (a copy to all but the
    /// last), and resolves once all took it; the first refusal is the
    /// error, after every consumer was tried. No consumer: dropped.
    pub async fn consume(&self, data: Data) -> Result<(), ConsumeError> {
        if let Some(live) = &self.1 {
            live.items(data.items(), || super::live_lines(&data));
        }
        self.each(Payload::Decoded(data)).await
    }

    /// The same for data as bytes: consumers that pass it on get the
    /// bytes (the copies share them), the others decode it.
    pub async fn consume_encoded(&self, data: Encoded) -> Result<(), ConsumeError> {
        if let Some(live) = &self.1 {
            live.items(data.items(), || data.live_lines());
        }
        self.each(Payload::Encoded(data)).await
    }

    /// Either of the above.
    pub async fn consume_payload(&self, data: Payload) -> Result<(), ConsumeError> {
        match data {
            Payload::Decoded(data) => self.consume(data).await,
            Payload::Encoded(data) => self.consume_encoded(data).await,
        }
    }

    async fn each(&self, data: Payload) -> Result<(), ConsumeError> {
        let targets: Vec<ConsumerHandle> = self.0.read().list(data.signal()).to_vec();
        let mut first_error = None;
        let last = targets.len().saturating_sub(1);
        let mut data = Some(data);
        for (i, target) in targets.iter().enumerate() {
            let copy = if i == last { data.take() } else { data.clone() };
            let consumed = match copy {
                Some(Payload::Decoded(copy)) => target.0.consume(copy).await,
                Some(Payload::Encoded(copy)) => target.0.consume_encoded(copy).await,
                None => break,
            };
            if let Err(e) = consumed {
                first_error.get_or_insert(e);
            }
        }
        first_error.map_or(Ok(()), Err)
    }
}
