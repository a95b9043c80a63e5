//! Controllers the process runs beside the config's own (the `remotecfg`
//! block's), attached to the root so that the API finds their components
//! (`remotecfg/prometheus.scrape.x`) and `/-/healthy` their health.

use super::Controller;
use crate::component::Health;

/// One attached controller and how it fares.
#[derive(Clone, Default)]
pub struct Service {
    pub controller: Option<Controller>,
    /// `None` while it is off.
    pub health: Option<Health>,
}

impl Controller {
    /// Attaches the controller of service `name`.
    pub fn attach(&self, name: &str, controller: Controller) {
        self.inner.services.lock().entry(name.to_owned()).or_default().controller =
            Some(controller);
    }

    /// Sets how service `name` fares.
    pub fn set_service_health(&self, name: &str, health: Option<Health>) {
        self.inner.services.lock().entry(name.to_owned()).or_default().health = health;
    }

    /// A token cancelled when the controller stops: what a service's own
    /// work stops with.
    pub fn child_token(&self) -> tokio_util::sync::CancellationToken {
        self.inner.cancel.child_token()
    }

    /// The attached services, by name.
    pub fn services(&self) -> Vec<(String, Service)> {
        let services = self.inner.services.lock();
        let mut all: Vec<(String, Service)> =
            services.iter().map(|(name, s)| (name.clone(), s.clone())).collect();
        all.sort_by(|a, b| a.0.cmp(&b.0));
        all
    }

    /// The controller of service `name`, if it runs one.
    pub(super) fn service(&self, name: &str) -> Option<Controller> {
        self.inner.services.lock().get(name).and_then(|s| s.controller.clone())
    }
}
