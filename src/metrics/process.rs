//! The process series every Prometheus client library exports (`process_resident_memory_bytes`,
//! `process_cpu_seconds_total`, `process_open_fds`, `process_max_fds`,
//! `process_start_time_seconds`, `process_virtual_memory_bytes`, `process_threads`), read from
//! `/proc/self` at scrape time with the `procfs` crate (the one the `prometheus` crate's own
//! process collector uses; `prometheus-client` has none). Elsewhere than Linux they are left
//! out rather than reported as zero.

use std::sync::atomic::AtomicU64;

use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::registry::Registry;

pub struct ProcessMetrics {
    registry: Registry,
    resident_memory: Gauge,
    virtual_memory: Gauge,
    cpu_seconds: Counter<f64, AtomicU64>,
    open_fds: Gauge,
    max_fds: Gauge,
    start_time: Gauge<f64, AtomicU64>,
    threads: Gauge,
}

impl ProcessMetrics {
    pub fn new() -> Self {
        // No prefix: dashboards and alerts look for these names as they are.
        let mut registry = Registry::default();
        let resident_memory = Gauge::default();
        let virtual_memory = Gauge::default();
        let cpu_seconds = Counter::<f64, AtomicU64>::default();
        let open_fds = Gauge::default();
        let max_fds = Gauge::default();
        let start_time = Gauge::<f64, AtomicU64>::default();
        let threads = Gauge::default();
        if cfg!(target_os = "linux") {
            registry.register(
                "process_resident_memory_bytes",
                "Resident memory size in bytes",
                resident_memory.clone(),
            );
            registry.register(
                "process_virtual_memory_bytes",
                "Virtual memory size in bytes",
                virtual_memory.clone(),
            );
            registry.register(
                "process_cpu_seconds",
                "Total user and system CPU time spent in seconds",
                cpu_seconds.clone(),
            );
            registry.register(
                "process_open_fds",
                "Number of open file descriptors",
                open_fds.clone(),
            );
            registry.register(
                "process_max_fds",
                "Maximum number of open file descriptors",
                max_fds.clone(),
            );
            registry.register(
                "process_start_time_seconds",
                "Start time of the process since unix epoch in seconds",
                start_time.clone(),
            );
            registry.register(
                "process_threads",
                "Number of OS threads in the process",
                threads.clone(),
            );
        }
        ProcessMetrics {
            registry,
            resident_memory,
            virtual_memory,
            cpu_seconds,
            open_fds,
            max_fds,
            start_time,
            threads,
        }
    }

    pub fn registry(&self) -> &Registry {
        &self.registry
    }

    /// Reads `/proc/self`; a value that cannot be read keeps its last reading.
    #[cfg(target_os = "linux")]
    pub fn update(&self) {
        use procfs::WithCurrentSystemInfo;
        use std::sync::atomic::Ordering;
        let Ok(process) = procfs::process::Process::myself() else {
            return;
        };
        if let Ok(stat) = process.stat() {
            self.resident_memory
                .set(super::clamp(stat.rss_bytes().get()));
            self.virtual_memory.set(super::clamp(stat.vsize));
            let ticks = procfs::ticks_per_second().max(1) as f64;
            let cpu = (stat.utime + stat.stime) as f64 / ticks;
            self.cpu_seconds
                .inner()
                .store(cpu.to_bits(), Ordering::Relaxed);
            self.threads.set(stat.num_threads);
            if let Ok(boot) = procfs::boot_time_secs() {
                self.start_time
                    .set(boot as f64 + stat.starttime as f64 / ticks);
            }
        }
        if let Ok(count) = process.fd_count() {
            self.open_fds.set(super::clamp(count as u64));
        }
        if let Ok(limits) = process.limits()
            && let procfs::process::LimitValue::Value(max) = limits.max_open_files.soft_limit
        {
            self.max_fds.set(super::clamp(max));
        }
    }

    #[cfg(not(target_os = "linux"))]
    pub fn update(&self) {}
}
