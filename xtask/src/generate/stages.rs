//! Where a generation's time goes, stage by stage, for the bench: off (as `cargo xtask
//! generate` runs) a stage is its work and nothing more; on, each stage's wall time is kept
//! under its name.

use std::time::{Duration, Instant};

/// The stage times of one generation, when kept ([`Stages::on`]).
#[derive(Debug, Default)]
pub struct Stages {
    kept: Option<Vec<(&'static str, Duration)>>,
}

impl Stages {
    /// Keeps nothing: each stage only runs.
    pub fn off() -> Self {
        Self { kept: None }
    }

    /// Keeps each stage's wall time.
    pub fn on() -> Self {
        Self {
            kept: Some(Vec::new()),
        }
    }

    /// A new record, on if this one is, for work done elsewhere (another thread).
    pub(crate) fn like(&self) -> Self {
        Self {
            kept: self.kept.as_ref().map(|_| Vec::new()),
        }
    }

    /// Runs `work` as the stage `stage`; its wall time is kept when on.
    pub(crate) fn time<T>(&mut self, stage: &'static str, work: impl FnOnce() -> T) -> T {
        let Some(kept) = &mut self.kept else {
            return work();
        };
        let started = Instant::now();
        let value = work();
        kept.push((stage, started.elapsed()));
        value
    }

    /// Adds the stages of `other` (work done elsewhere) after these.
    pub(crate) fn extend(&mut self, other: Stages) {
        if let (Some(kept), Some(other)) = (&mut self.kept, other.kept) {
            kept.extend(other);
        }
    }

    /// The stages kept, in the order they ended (none when off).
    pub fn times(&self) -> &[(&'static str, Duration)] {
        self.kept.as_deref().unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::Stages;

    #[test]
    fn off_keeps_nothing_and_on_keeps_each_stage_by_name() {
        let mut off = Stages::off();
        assert_eq!(off.time("a", || 1), 1);
        assert!(off.times().is_empty());
        let mut on = Stages::on();
        assert_eq!(on.time("a", || 2), 2);
        let mut elsewhere = on.like();
        elsewhere.time("b", || ());
        off.like().time("c", || ());
        on.extend(elsewhere);
        let names: Vec<&str> = on.times().iter().map(|(name, _)| *name).collect();
        assert_eq!(names, ["a", "b"]);
    }
}
