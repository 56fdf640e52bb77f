//! State kept from call to call in a `static` (decodeToken's buffers and its last header, the
//! JS names it reads): without threads, one wasm instance runs on one thread, so a `RefCell`
//! or a `OnceCell` needs no lock. What `thread_local!` gives with std, for the page entry,
//! which has no std.

use core::cell::{OnceCell, RefCell};

// Without the atomics target feature, wasm32 has no threads to share a `static` with.
#[cfg(target_feature = "atomics")]
compile_error!("Local assumes a wasm without threads (no atomics target feature)");

/// A value of one instance, borrowed for the length of a closure.
pub(crate) struct Local<T>(RefCell<T>);

// SAFETY: no two threads ever reach a `static` of this wasm: it is built without the atomics
// target feature (checked above), so every JS runtime calls one instance from one thread.
#[allow(unsafe_code)]
unsafe impl<T> Sync for Local<T> {}

/// A value of one instance, made on first use and only read after: unlike [`Local`], it may
/// be read again while it is read (a JS getter that the wasm calls may call back into it).
pub(crate) struct LocalOnce<T>(OnceCell<T>);

// SAFETY: as for `Local`: one instance, one thread.
#[allow(unsafe_code)]
unsafe impl<T> Sync for LocalOnce<T> {}

impl<T> Local<T> {
    pub const fn new(value: T) -> Local<T> {
        Local(RefCell::new(value))
    }

    /// Runs `f` on the value. Not re-entered: nothing that `f` calls uses the same `Local`.
    pub fn with<R>(&self, f: impl FnOnce(&mut T) -> R) -> R {
        f(&mut self.0.borrow_mut())
    }
}

impl<T> LocalOnce<T> {
    pub const fn new() -> LocalOnce<T> {
        LocalOnce(OnceCell::new())
    }

    /// The value, made by `init` on the first call (`init` must not call back into the wasm).
    pub fn get(&self, init: impl FnOnce() -> T) -> &T {
        self.0.get_or_init(init)
    }
}
