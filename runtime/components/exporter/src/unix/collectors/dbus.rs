//! D-Bus for the `systemd` and `logind` collectors: a connection to the
//! system bus, found as godbus finds it (`DBUS_SYSTEM_BUS_ADDRESS`, else
//! `/var/run/dbus/system_bus_socket`), method calls and property reads.
//!
//! node_exporter waits on the bus without a limit; here the connection,
//! each call and all of one scrape's calls are bounded, so a bus or a
//! service that does not answer fails the collector instead of holding
//! the scrape. A collector runs on a scrape's blocking thread: `block_on`
//! drives its calls on a small runtime of its own.

use std::future::Future;
use std::time::Duration;

use futures_util::stream::{self, StreamExt};
use zbus::connection::Builder;
use zbus::zvariant::{OwnedValue, Value};
use zbus::Connection;

use crate::unix::collector::CollectError;

/// Connecting and authenticating.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// One method call's answer.
const CALL_TIMEOUT: Duration = Duration::from_secs(5);
/// All of one collector's calls in one scrape.
const DEADLINE: Duration = Duration::from_secs(30);
/// Calls in flight at once on one connection: node_exporter reads its
/// groups of properties in parallel, and waiting for each answer in turn
/// would make a host with many units slow to scrape.
const IN_FLIGHT: usize = 16;

/// The standard interface every property is read through.
const PROPERTIES: &str = "org.freedesktop.DBus.Properties";

/// Runs `work` to its end on a runtime of this thread, failing it when it
/// takes longer than the deadline.
pub fn block_on<T>(work: impl Future<Output = Result<T, CollectError>>) -> Result<T, CollectError> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| CollectError::Failed(format!("cannot start a runtime for D-Bus: {e}")))?;
    runtime.block_on(async {
        tokio::time::timeout(DEADLINE, work).await.unwrap_or_else(|_| {
            Err(CollectError::Failed(format!(
                "D-Bus calls took longer than {} s",
                DEADLINE.as_secs()
            )))
        })
    })
}

/// The system bus's address, for messages.
pub fn system_address() -> String {
    std::env::var("DBUS_SYSTEM_BUS_ADDRESS")
        .ok()
        .filter(|a| !a.is_empty())
        .unwrap_or_else(|| "unix:path=/var/run/dbus/system_bus_socket".into())
}

/// A connection to the system bus, authenticated and greeted (`Hello`).
pub async fn system_bus() -> Result<Connection, String> {
    let address = system_address();
    let builder = Builder::address(address.as_str()).map_err(|e| format!("{address}: {e}"))?;
    connect(builder, &address, CONNECT_TIMEOUT).await
}

/// A direct connection to a peer's socket (no bus, no `Hello`): systemd's
/// private socket.
pub async fn peer(socket: &str) -> Result<Connection, String> {
    let address = format!("unix:path={socket}");
    let builder = Builder::address(address.as_str()).map_err(|e| format!("{address}: {e}"))?;
    connect(builder.p2p(), &address, CONNECT_TIMEOUT).await
}

async fn connect(
    builder: Builder<'_>,
    address: &str,
    limit: Duration,
) -> Result<Connection, String> {
    let build = builder.method_timeout(CALL_TIMEOUT).build();
    match tokio::time::timeout(limit, build).await {
        Ok(Ok(connection)) => Ok(connection),
        // zbus names the address when it cannot connect, not always after.
        Ok(Err(error)) => match error.to_string() {
            text if text.contains(address) => Err(text),
            text => Err(format!("{address}: {text}")),
        },
        Err(_) => Err(format!("{address}: no answer in {:?}", limit)),
    }
}

/// A method without arguments, its reply decoded as `R`.
pub async fn call<R>(
    bus: &Connection,
    service: &str,
    path: &str,
    interface: &str,
    method: &str,
) -> zbus::Result<R>
where
    R: for<'d> zbus::zvariant::DynamicDeserialize<'d>,
{
    let reply = bus.call_method(Some(service), path, Some(interface), method, &()).await?;
    reply.body().deserialize::<R>()
}

/// One property (`org.freedesktop.DBus.Properties.Get`), the value inside
/// its variant.
pub async fn property(
    bus: &Connection,
    service: &str,
    path: &str,
    interface: &str,
    name: &str,
) -> zbus::Result<OwnedValue> {
    let reply =
        bus.call_method(Some(service), path, Some(PROPERTIES), "Get", &(interface, name)).await?;
    reply.body().deserialize::<OwnedValue>()
}

/// `work` for each item, `IN_FLIGHT` at a time, the results in the
/// items' order.
pub async fn each<I, F, T>(items: I, work: impl Fn(I::Item) -> F) -> Vec<T>
where
    I: IntoIterator,
    F: Future<Output = T>,
{
    stream::iter(items).map(work).buffered(IN_FLIGHT).collect().await
}

/// A property's value as the type node_exporter expects of it; a value of
/// another type is an error (node_exporter's type assertion would panic).
pub trait FromValue: Sized {
    const TYPE: &'static str;
    fn from_value(value: &Value<'_>) -> Option<Self>;
}

impl FromValue for String {
    const TYPE: &'static str = "s";
    fn from_value(value: &Value<'_>) -> Option<String> {
        match value {
            Value::Str(text) => Some(text.as_str().to_owned()),
            _ => None,
        }
    }
}

impl FromValue for u32 {
    const TYPE: &'static str = "u";
    fn from_value(value: &Value<'_>) -> Option<u32> {
        match value {
            Value::U32(n) => Some(*n),
            _ => None,
        }
    }
}

impl FromValue for u64 {
    const TYPE: &'static str = "t";
    fn from_value(value: &Value<'_>) -> Option<u64> {
        match value {
            Value::U64(n) => Some(*n),
            _ => None,
        }
    }
}

impl FromValue for bool {
    const TYPE: &'static str = "b";
    fn from_value(value: &Value<'_>) -> Option<bool> {
        match value {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }
}

/// `property` converted to `T`, any failure as text.
pub async fn typed<T: FromValue>(
    bus: &Connection,
    service: &str,
    path: &str,
    interface: &str,
    name: &str,
) -> Result<T, String> {
    let value = property(bus, service, path, interface, name).await.map_err(|e| e.to_string())?;
    T::from_value(&value).ok_or_else(|| {
        format!("{interface}.{name} is {}, not of type {}", value.value_signature(), T::TYPE)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_of_the_expected_type_only() {
        assert_eq!(u32::from_value(&Value::U32(7)), Some(7));
        assert_eq!(u32::from_value(&Value::U64(7)), None);
        assert_eq!(u64::from_value(&Value::U64(u64::MAX)), Some(u64::MAX));
        assert_eq!(bool::from_value(&Value::Bool(true)), Some(true));
        assert_eq!(bool::from_value(&Value::from("true")), None);
        assert_eq!(String::from_value(&Value::from("simple")), Some("simple".into()));
        assert_eq!(String::from_value(&Value::U32(1)), None);
    }

    #[test]
    fn no_bus_fails_quickly_with_the_address() {
        let start = std::time::Instant::now();
        let result = block_on(async {
            peer("/nonexistent/bus").await.map_err(CollectError::Failed).map(drop)
        });
        match result {
            Err(CollectError::Failed(why)) => {
                assert!(why.contains("`unix:path=/nonexistent/bus`"), "{why}")
            }
            other => panic!("{other:?}"),
        }
        assert!(start.elapsed() < Duration::from_secs(5));
    }

    #[test]
    fn a_bus_that_never_answers_is_given_up() {
        let dir = tempfile::tempdir().unwrap();
        let socket = dir.path().join("bus");
        // Accepts connections and never says a word.
        let listener = std::os::unix::net::UnixListener::bind(&socket).unwrap();
        let address = format!("unix:path={}", socket.display());
        let result = block_on(async {
            let builder = Builder::address(address.as_str()).unwrap();
            connect(builder, &address, Duration::from_millis(300))
                .await
                .map(drop)
                .map_err(CollectError::Failed)
        });
        match result {
            Err(CollectError::Failed(why)) => {
                assert!(why.ends_with(": no answer in 300ms"), "{why}")
            }
            other => panic!("{other:?}"),
        }
        drop(listener);
    }
}
