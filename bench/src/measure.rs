//! How a call is measured: the counting allocator, CPU time from `getrusage`, runs of
//! [`REQUESTS`] calls, and the interleaved comparison of a client with its baseline.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use serde_json::json;

/// The system allocator, counting allocations, so that each client's allocations per call can be
/// reported beside its CPU time: where a client's cost is, not a guess.
struct Counting;

static ALLOCATIONS: AtomicU64 = AtomicU64::new(0);

// SAFETY: every call is passed on unchanged to the system allocator.
unsafe impl std::alloc::GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: std::alloc::Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        // SAFETY: the caller's contract is the system allocator's.
        unsafe { std::alloc::System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: std::alloc::Layout) {
        // SAFETY: the caller's contract is the system allocator's.
        unsafe { std::alloc::System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: std::alloc::Layout, size: usize) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        // SAFETY: the caller's contract is the system allocator's.
        unsafe { std::alloc::System.realloc(ptr, layout, size) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Requests per timed run; the runs of the two clients alternate, A B then B A, so that a drift
/// of the machine's load, or a warming cache, reaches both alike.
pub(crate) const REQUESTS: u32 = 200;
/// Pairs of runs (one of each client) per comparison; even, for the A B / B A alternation.
const ROUNDS: usize = 160;

/// The value at fraction `q` (0 to 1) of `values` sorted: `quantile(v, 0.5)` is the median.
fn quantile(values: &[f64], q: f64) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let index = (q * (sorted.len() - 1) as f64).round() as usize;
    sorted[index]
}

pub(crate) fn median(values: &[f64]) -> f64 {
    quantile(values, 0.5)
}

/// CPU time (user + system) in microseconds that `getrusage(who)` reports: `RUSAGE_THREAD`
/// for the calling thread, `RUSAGE_SELF` for the whole process.
pub(crate) fn cpu_us(who: libc::c_int) -> f64 {
    // SAFETY: `rusage` is plain data, for which all zeroes is a valid value.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: `getrusage` writes one `rusage` through the valid pointer it is given.
    if unsafe { libc::getrusage(who, &mut usage) } != 0 {
        return f64::NAN;
    }
    let us = |time: libc::timeval| time.tv_sec as f64 * 1e6 + time.tv_usec as f64;
    us(usage.ru_utime) + us(usage.ru_stime)
}

/// One timed run of a client: `REQUESTS` calls in a row.
struct Run {
    /// Requests per second.
    rps: f64,
    /// CPU microseconds per call of the thread that made the calls (`getrusage(RUSAGE_THREAD)`).
    thread_cpu_us: f64,
    /// CPU microseconds per call of the whole process, the sandbox serving included
    /// (`getrusage(RUSAGE_SELF)`).
    process_cpu_us: f64,
    /// Allocations (and reallocations) per call in the whole process, the sandbox's included.
    allocations: f64,
}

/// `call` run `REQUESTS` times in a row.
async fn throughput<F, Fut>(call: F) -> Run
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let (thread, process) = (cpu_us(libc::RUSAGE_THREAD), cpu_us(libc::RUSAGE_SELF));
    let allocations = ALLOCATIONS.load(Ordering::Relaxed);
    let started = Instant::now();
    for _ in 0..REQUESTS {
        call().await;
    }
    let seconds = started.elapsed().as_secs_f64();
    let per_call = |before: f64, now: f64| (now - before) / f64::from(REQUESTS);
    Run {
        rps: f64::from(REQUESTS) / seconds,
        thread_cpu_us: per_call(thread, cpu_us(libc::RUSAGE_THREAD)),
        process_cpu_us: per_call(process, cpu_us(libc::RUSAGE_SELF)),
        allocations: per_call(
            allocations as f64,
            ALLOCATIONS.load(Ordering::Relaxed) as f64,
        ),
    }
}

/// One comparison of a client with its hand-written baseline, over `ROUNDS` pairs of runs.
pub(crate) struct Comparison {
    /// Each pair's ratio of the client's throughput to the baseline's.
    ratios: Vec<f64>,
    /// The client's runs and the baseline's.
    client: Vec<Run>,
    baseline: Vec<Run>,
}

impl Comparison {
    /// The median ratio.
    pub(crate) fn ratio(&self) -> f64 {
        median(&self.ratios)
    }

    pub(crate) fn json(&self) -> serde_json::Value {
        let of = |runs: &[Run], pick: fn(&Run) -> f64| {
            median(&runs.iter().map(pick).collect::<Vec<_>>())
        };
        json!({
            "ratio": self.ratio(),
            "ratio_min": quantile(&self.ratios, 0.0),
            "ratio_q1": quantile(&self.ratios, 0.25),
            "ratio_q3": quantile(&self.ratios, 0.75),
            "ratio_max": quantile(&self.ratios, 1.0),
            "rounds": self.ratios.len(),
            "requests_per_run": REQUESTS,
            "client_rps": of(&self.client, |r| r.rps),
            "baseline_rps": of(&self.baseline, |r| r.rps),
            "client_cpu_us": of(&self.client, |r| r.thread_cpu_us),
            "baseline_cpu_us": of(&self.baseline, |r| r.thread_cpu_us),
            "client_process_cpu_us": of(&self.client, |r| r.process_cpu_us),
            "baseline_process_cpu_us": of(&self.baseline, |r| r.process_cpu_us),
            "client_allocations": of(&self.client, |r| r.allocations),
            "baseline_allocations": of(&self.baseline, |r| r.allocations),
        })
    }
}

/// The client against its baseline over `ROUNDS` pairs of runs, A B then B A. Run on a
/// single-threaded runtime of its own (see [`on_own_thread`]), so that the thread's CPU time is
/// the client's alone.
pub(crate) async fn ratio<C, CF, B, BF>(client: C, baseline: B) -> Comparison
where
    C: Fn() -> CF,
    CF: std::future::Future<Output = ()>,
    B: Fn() -> BF,
    BF: std::future::Future<Output = ()>,
{
    throughput(&client).await; // warm both connection pools
    throughput(&baseline).await;
    let mut comparison = Comparison {
        ratios: Vec::new(),
        client: Vec::new(),
        baseline: Vec::new(),
    };
    for round in 0..ROUNDS {
        let (ours, theirs) = if round % 2 == 0 {
            let ours = throughput(&client).await;
            (ours, throughput(&baseline).await)
        } else {
            let theirs = throughput(&baseline).await;
            (throughput(&client).await, theirs)
        };
        comparison.ratios.push(ours.rps / theirs.rps);
        comparison.client.push(ours);
        comparison.baseline.push(theirs);
    }
    comparison
}

/// Runs `work` on a thread of its own with a single-threaded runtime, while the sandbox keeps
/// serving on the main runtime's threads.
pub(crate) async fn on_own_thread<T: Send + 'static>(
    work: impl FnOnce() -> std::pin::Pin<Box<dyn std::future::Future<Output = T>>> + Send + 'static,
) -> T {
    tokio::task::spawn_blocking(move || {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a runtime for the client")
            .block_on(work())
    })
    .await
    .expect("the client thread")
}
