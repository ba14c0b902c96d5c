//! Locking state that a panicked handler may have held.

use std::sync::{Mutex, MutexGuard};

/// Locks `mutex`; a handler that panicked while holding it does not make it unusable.
pub fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}
