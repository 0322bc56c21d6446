//! What the `prometheus` crate does for the exporter: it keeps what changes between polls on
//! its own, apart from any snapshot, and is read at each poll. That is two things: the API
//! request counter, which every zone's task increments concurrently and which accumulates
//! over the run; and the process metrics, under the names and help texts every Prometheus
//! client library gives them. Every other family, the build info included, is a function of
//! the snapshot or a constant, written by the encoder from the descriptors
//! (docs/design.md#what-the-prometheus-crate-is-for).

use prometheus::{IntCounterVec, Opts, Registry};

use super::descriptors::API_REQUESTS;

/// The request counter and the process metrics, in a `prometheus` registry of their own.
#[derive(Clone)]
pub struct OwnMetrics {
    pub(super) registry: Registry,
    /// `scaleway_exporter_api_requests_total`, counted by [`OwnMetrics::count_request`].
    api_requests: IntCounterVec,
}

impl OwnMetrics {
    pub fn new() -> Self {
        let registry = Registry::new();
        let api_requests = IntCounterVec::new(
            Opts::new(API_REQUESTS.name, API_REQUESTS.help),
            API_REQUESTS.labels,
        )
        .expect("a valid counter definition");
        registry
            .register(Box::new(api_requests.clone()))
            .expect("registered once");
        #[cfg(target_os = "linux")]
        registry
            .register(Box::new(process::ProcessMetrics::new()))
            .expect("registered once");
        OwnMetrics {
            registry,
            api_requests,
        }
    }

    /// Counts one API request in `scaleway_exporter_api_requests_total`.
    pub fn count_request(&self, product: &str, zone: &str, endpoint: &str, code: &str) {
        // By position, as many as API_REQUESTS has labels (checked when built).
        let values: [&str; API_REQUESTS.labels.len()] = [product, zone, endpoint, code];
        self.api_requests.with_label_values(&values).inc();
    }
}

impl Default for OwnMetrics {
    fn default() -> Self {
        Self::new()
    }
}

/// The `process_*` metrics of the `prometheus` crate, but `process_cpu_seconds_total` with
/// its fraction of a second: the one place the crate's output is corrected.
///
/// The crate's collector divides the clock ticks of `/proc/self/stat` by the tick rate in
/// integers and keeps the result in an integer counter: a process that had used 0.98 s of CPU
/// read 0, and the rate of a lightly loaded exporter was a staircase of whole seconds. Its
/// other metrics (memory, file descriptors, threads, start time) are kept as it writes them.
#[cfg(target_os = "linux")]
mod process {
    use std::collections::HashMap;

    use prometheus::core::{Collector, Desc};
    use prometheus::process_collector::ProcessCollector;
    use prometheus::proto::{Counter, Metric, MetricFamily, MetricType};

    const CPU_SECONDS: &str = "process_cpu_seconds_total";
    const CPU_HELP: &str = "Total user and system CPU time spent in seconds.";

    pub(super) struct ProcessMetrics {
        others: ProcessCollector,
        cpu: Desc,
        ticks_per_second: f64,
    }

    impl ProcessMetrics {
        pub(super) fn new() -> Self {
            ProcessMetrics {
                others: ProcessCollector::for_self(),
                cpu: Desc::new(
                    CPU_SECONDS.to_owned(),
                    CPU_HELP.to_owned(),
                    Vec::new(),
                    HashMap::new(),
                )
                .expect("a valid counter definition"),
                ticks_per_second: ticks_per_second(),
            }
        }
    }

    impl Collector for ProcessMetrics {
        fn desc(&self) -> Vec<&Desc> {
            let mut descs: Vec<&Desc> = vec![&self.cpu];
            descs.extend(
                self.others
                    .desc()
                    .into_iter()
                    .filter(|desc| desc.fq_name != CPU_SECONDS),
            );
            descs
        }

        fn collect(&self) -> Vec<MetricFamily> {
            let mut families = Vec::with_capacity(7);
            if let Some(ticks) = cpu_ticks() {
                let mut counter = Counter::default();
                counter.set_value(ticks as f64 / self.ticks_per_second);
                let mut metric = Metric::default();
                metric.set_counter(counter);
                let mut family = MetricFamily::default();
                family.set_name(CPU_SECONDS.to_owned());
                family.set_help(CPU_HELP.to_owned());
                family.set_field_type(MetricType::COUNTER);
                family.set_metric(vec![metric]);
                families.push(family);
            }
            families.extend(
                self.others
                    .collect()
                    .into_iter()
                    .filter(|family| family.name() != CPU_SECONDS),
            );
            families
        }
    }

    /// `getconf CLK_TCK`: the unit of the times in `/proc/self/stat`.
    pub(super) fn ticks_per_second() -> f64 {
        // SAFETY: sysconf only reads a system constant.
        let ticks = unsafe { libc::sysconf(libc::_SC_CLK_TCK) };
        if ticks > 0 {
            ticks as f64
        } else {
            100.0 // USER_HZ on every Linux architecture
        }
    }

    /// User plus system CPU time of this process, in clock ticks: fields 14 and 15 of
    /// `/proc/self/stat`, counted after the command name, which may hold spaces and `)`.
    pub(super) fn cpu_ticks() -> Option<u64> {
        let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
        let after_name = &stat[stat.rfind(')')? + 1..];
        // The first field after the name is the third of the line (the state).
        let mut fields = after_name.split_whitespace().skip(14 - 3);
        let user: u64 = fields.next()?.parse().ok()?;
        let system: u64 = fields.next()?.parse().ok()?;
        Some(user + system)
    }
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::process::{cpu_ticks, ticks_per_second};
    use super::*;

    fn cpu_seconds(own: &OwnMetrics) -> f64 {
        let families = own.registry.gather();
        let family = families
            .iter()
            .find(|f| f.name() == "process_cpu_seconds_total")
            .expect("process_cpu_seconds_total is registered");
        family.get_metric()[0].get_counter().get_value()
    }

    /// Uses CPU until `/proc` counts at least one more tick.
    fn burn_a_tick() {
        let start = cpu_ticks().unwrap();
        let mut x = 0u64;
        while cpu_ticks().unwrap() == start {
            for i in 0..10_000u64 {
                x = std::hint::black_box(x.wrapping_mul(31).wrapping_add(i));
            }
        }
    }

    #[test]
    fn process_cpu_seconds_keep_the_fraction_of_a_second_that_proc_counts() {
        let own = OwnMetrics::new();
        let per_second = ticks_per_second() as u64;
        // At least 0.2 s of CPU, and a count of ticks that is not whole seconds. Other tests
        // use CPU too: a reading counts only when /proc said the same before and after it.
        for _ in 0..10_000 {
            burn_a_tick();
            let before = cpu_ticks().unwrap();
            let value = cpu_seconds(&own);
            let after = cpu_ticks().unwrap();
            if before != after || before < per_second / 5 || before % per_second == 0 {
                continue;
            }
            assert_eq!(value, before as f64 / per_second as f64);
            assert!(value > 0.0 && value.fract() != 0.0, "{value}");
            // The other process metrics are still there, once each.
            let names: Vec<String> = own
                .registry
                .gather()
                .iter()
                .map(|f| f.name().to_owned())
                .filter(|name| name.starts_with("process_"))
                .collect();
            for name in [
                "process_cpu_seconds_total",
                "process_open_fds",
                "process_max_fds",
                "process_virtual_memory_bytes",
                "process_resident_memory_bytes",
                "process_start_time_seconds",
                "process_threads",
            ] {
                assert_eq!(
                    names.iter().filter(|n| *n == name).count(),
                    1,
                    "{name} in {names:?}"
                );
            }
            return;
        }
        panic!("/proc/self/stat never held still between two readings");
    }
}
