//! A value fetched from a server and used until shortly before it
//! expires: OAuth 2 and Azure AD tokens, temporary AWS keys. Callers share
//! one fetch at a time; the others wait for it.

use std::future::Future;
use std::time::{Duration, Instant};

use tokio::sync::Mutex;

pub struct Expiring<T> {
    /// The value and when to fetch another.
    current: Mutex<Option<(T, Instant)>>,
    /// How long before it expires a value is replaced.
    early: Duration,
}

impl<T: Clone> Expiring<T> {
    pub fn new(early: Duration) -> Expiring<T> {
        Expiring { current: Mutex::new(None), early }
    }

    /// The current value, or a new one from `fetch` (the value and how long
    /// it lasts) when there is none or it is about to expire.
    pub async fn get<F, Fut, E>(&self, fetch: F) -> Result<T, E>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<(T, Duration), E>>,
    {
        let mut current = self.current.lock().await;
        if let Some((value, renew_at)) = current.as_ref() {
            if Instant::now() < *renew_at {
                return Ok(value.clone());
            }
        }
        let (value, lifetime) = fetch().await?;
        *current = Some((value.clone(), Instant::now() + lifetime.saturating_sub(self.early)));
        Ok(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_value_is_kept_until_shortly_before_it_expires() {
        let cache = Expiring::new(Duration::from_secs(10));
        let long = cache.get(|| async { Ok::<_, String>((1, Duration::from_secs(60))) }).await;
        let again = cache.get(|| async { Ok::<_, String>((2, Duration::from_secs(60))) }).await;
        assert_eq!((long, again), (Ok(1), Ok(1)));
        // Lasting less than the margin, a value is fetched every time.
        let short = Expiring::new(Duration::from_secs(10));
        let first = short.get(|| async { Ok::<_, String>((1, Duration::from_secs(5))) }).await;
        assert_eq!(first, Ok(1));
        assert_eq!(
            short.get(|| async { Ok::<_, String>((2, Duration::from_secs(5))) }).await,
            Ok(2)
        );
        let failed = Expiring::<i32>::new(Duration::ZERO);
        assert_eq!(failed.get(|| async { Err("down".to_owned()) }).await, Err("down".to_owned()));
    }
}
