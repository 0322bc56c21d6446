//! The exporter's own metrics that live in a `prometheus` registry.

use prometheus::{IntCounterVec, IntGaugeVec, Opts, Registry};

use super::descriptors::{API_REQUESTS, BUILD_INFO};
use crate::build_info;

/// The exporter's own metrics that are not a function of the snapshot: the API request
/// counter (the client increments it), the build info and the process metrics.
#[derive(Clone)]
pub struct OwnMetrics {
    pub(super) registry: Registry,
    /// `scaleway_exporter_api_requests_total`, handed to the API client.
    pub api_requests: IntCounterVec,
}

impl OwnMetrics {
    pub fn new() -> Self {
        let registry = Registry::new();
        let api_requests = IntCounterVec::new(
            Opts::new(API_REQUESTS.name, API_REQUESTS.help),
            API_REQUESTS.labels,
        )
        .expect("a valid counter definition");
        let build = IntGaugeVec::new(
            Opts::new(BUILD_INFO.name, BUILD_INFO.help),
            BUILD_INFO.labels,
        )
        .expect("a valid gauge definition");
        // By position, as many as BUILD_INFO has labels (checked when built).
        let values: [&str; BUILD_INFO.labels.len()] = [
            build_info::VERSION,
            build_info::REVISION,
            build_info::RUSTC_VERSION,
        ];
        build.with_label_values(&values).set(1);
        registry
            .register(Box::new(api_requests.clone()))
            .expect("registered once");
        registry.register(Box::new(build)).expect("registered once");
        #[cfg(target_os = "linux")]
        registry
            .register(Box::new(
                prometheus::process_collector::ProcessCollector::for_self(),
            ))
            .expect("registered once");
        OwnMetrics {
            registry,
            api_requests,
        }
    }
}

impl Default for OwnMetrics {
    fn default() -> Self {
        Self::new()
    }
}
