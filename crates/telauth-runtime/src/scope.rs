//! A thread-local depth raised for the length of a call: how [`crate::expose_secrets`] and the
//! serialization of request bodies tell serializers where they run.

use std::cell::Cell;
use std::thread::LocalKey;

/// Runs `run` with `depth` one higher on this thread, lowered again however `run` ends.
pub(crate) fn within<T>(depth: &'static LocalKey<Cell<u32>>, run: impl FnOnce() -> T) -> T {
    struct Scope(&'static LocalKey<Cell<u32>>);
    impl Drop for Scope {
        fn drop(&mut self) {
            self.0.set(self.0.get().saturating_sub(1));
        }
    }
    depth.set(depth.get().saturating_add(1));
    let _scope = Scope(depth);
    run()
}
