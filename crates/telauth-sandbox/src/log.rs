//! The request log: one line per exchange, queued for one thread that writes them, so that a
//! reader who keeps stdout open but stops reading delays no answer. Lines that do not fit in
//! the queue are dropped and counted; the count is written, as `N log lines dropped`, before
//! the next line that fits (or last, when the log ends). A write that fails (stdout closed,
//! `EPIPE`) ends the log quietly.

use std::io::{self, Write};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::mpsc::{self, Receiver, SyncSender, TrySendError};
use std::time::Duration;

use tokio::sync::oneshot;

/// How many lines wait for the writer at most.
const QUEUE_LINES: usize = 1024;

/// How many bytes of lines wait for the writer at most (a path can take hundreds of KiB).
const QUEUE_BYTES: usize = 1024 * 1024;

/// How long stopping the sandbox waits for the lines queued to be written.
pub const DRAIN_TIMEOUT: Duration = Duration::from_secs(1);

/// Where handlers put their log lines; cloned for each port.
#[derive(Clone, Debug)]
pub struct Log {
    lines: SyncSender<Queued>,
    counts: Arc<Counts>,
}

/// A line, and how many were dropped between it and the line queued before it.
struct Queued {
    dropped_before: u64,
    line: String,
}

/// What senders and the writer share.
#[derive(Debug, Default)]
struct Counts {
    /// The bytes of the lines in the queue.
    queued_bytes: AtomicUsize,
    /// The lines dropped since the last line queued.
    dropped: AtomicU64,
}

/// Resolves once the writer has ended: every [`Log`] is gone and the queue written, or a write
/// failed.
pub type Written = oneshot::Receiver<()>;

impl Log {
    /// A log written to stdout by a thread of its own.
    pub fn to_stdout() -> io::Result<(Self, Written)> {
        Self::to(io::stdout())
    }

    /// A log written to `out` by a thread of its own.
    fn to(out: impl Write + Send + 'static) -> io::Result<(Self, Written)> {
        let (lines, queue) = mpsc::sync_channel(QUEUE_LINES);
        let counts = Arc::new(Counts::default());
        let (ended, written) = oneshot::channel();
        let shared = Arc::clone(&counts);
        std::thread::Builder::new()
            .name("telauth-sandbox-log".into())
            .spawn(move || {
                // A write that fails ends the log: nobody reads it any more.
                let _ = write(&queue, &shared, out);
                drop(ended);
            })?;
        Ok((Self { lines, counts }, written))
    }

    /// Queues `line` for the writer, or drops and counts it when the queue is full; never waits.
    pub fn line(&self, line: String) {
        let bytes = line.len();
        let queued = self.counts.queued_bytes.fetch_add(bytes, Ordering::Relaxed);
        if queued + bytes > QUEUE_BYTES {
            self.counts.queued_bytes.fetch_sub(bytes, Ordering::Relaxed);
            self.counts.dropped.fetch_add(1, Ordering::Relaxed);
            return;
        }
        let dropped_before = self.counts.dropped.swap(0, Ordering::Relaxed);
        match self.lines.try_send(Queued {
            dropped_before,
            line,
        }) {
            Ok(()) => {}
            Err(TrySendError::Full(_)) => {
                self.counts.queued_bytes.fetch_sub(bytes, Ordering::Relaxed);
                self.counts
                    .dropped
                    .fetch_add(dropped_before + 1, Ordering::Relaxed);
            }
            // The writer has ended: nothing is written any more.
            Err(TrySendError::Disconnected(_)) => {}
        }
    }
}

/// Writes the lines of `queue` to `out` until every sender is gone, then the count of the
/// lines dropped since the last one.
fn write(queue: &Receiver<Queued>, counts: &Counts, mut out: impl Write) -> io::Result<()> {
    while let Ok(Queued {
        dropped_before,
        line,
    }) = queue.recv()
    {
        counts.queued_bytes.fetch_sub(line.len(), Ordering::Relaxed);
        dropped(&mut out, dropped_before)?;
        writeln!(out, "{line}")?;
        out.flush()?;
    }
    dropped(&mut out, counts.dropped.swap(0, Ordering::Relaxed))
}

/// Writes `N log lines dropped` when `count` is not zero.
fn dropped(out: &mut impl Write, count: u64) -> io::Result<()> {
    if count > 0 {
        writeln!(out, "{count} log lines dropped")?;
        out.flush()?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use super::*;

    /// A writer that waits until `open` lets it, then writes into `written`.
    #[derive(Clone, Default)]
    struct Gate {
        open: Arc<(Mutex<bool>, std::sync::Condvar)>,
        written: Arc<Mutex<Vec<u8>>>,
    }

    impl Gate {
        fn open(&self) {
            let (open, opened) = &*self.open;
            *open.lock().unwrap() = true;
            opened.notify_all();
        }

        fn text(&self) -> String {
            String::from_utf8(self.written.lock().unwrap().clone()).unwrap()
        }
    }

    impl Write for Gate {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            let (open, opened) = &*self.open;
            let _open = opened
                .wait_while(open.lock().unwrap(), |open| !*open)
                .unwrap();
            self.written.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }

        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_writer_that_waits_drops_lines_and_says_how_many() {
        let gate = Gate::default();
        let (log, written) = Log::to(gate.clone()).unwrap();
        let total = QUEUE_LINES * 3;
        // None of these waits for the writer, which waits for the gate.
        for index in 0..total {
            log.line(format!("line {index}"));
        }
        gate.open();
        while log.counts.queued_bytes.load(Ordering::Relaxed) > 0 {
            std::thread::yield_now();
        }
        log.line("after".into());
        drop(log);
        written.blocking_recv().unwrap_err();
        let text = gate.text();
        let lines: Vec<&str> = text.lines().collect();
        let kept = lines
            .iter()
            .filter(|line| line.starts_with("line "))
            .count();
        let dropped: usize = lines
            .iter()
            .filter_map(|line| line.strip_suffix(" log lines dropped"))
            .map(|count| count.parse::<usize>().unwrap())
            .sum();
        assert!(kept < total, "{kept} lines kept");
        assert_eq!(kept + dropped, total, "{text}");
        // The count comes where the lines went missing: before the line that followed them.
        assert_eq!(lines[lines.len() - 1], "after");
        assert!(
            lines[lines.len() - 2].ends_with(" log lines dropped"),
            "{text}"
        );
    }

    #[test]
    fn long_lines_are_bounded_by_bytes_too() {
        let gate = Gate::default();
        let (log, written) = Log::to(gate.clone()).unwrap();
        let line = "p".repeat(64 * 1024);
        for _ in 0..QUEUE_LINES {
            log.line(line.clone());
        }
        let queued = log.counts.queued_bytes.load(Ordering::Relaxed);
        assert!(queued <= QUEUE_BYTES, "{queued} bytes queued");
        drop(log);
        gate.open();
        written.blocking_recv().unwrap_err();
        assert!(gate.text().ends_with(" log lines dropped\n"));
    }

    /// A writer whose reader has gone.
    struct Closed;

    impl Write for Closed {
        fn write(&mut self, _: &[u8]) -> io::Result<usize> {
            Err(io::ErrorKind::BrokenPipe.into())
        }

        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_closed_writer_ends_the_log_quietly() {
        let (log, written) = Log::to(Closed).unwrap();
        log.line("lost".into());
        written.blocking_recv().unwrap_err();
        // Lines after the end go nowhere, without a panic or a wait.
        for _ in 0..QUEUE_LINES * 2 {
            log.line("lost too".into());
        }
    }
}
