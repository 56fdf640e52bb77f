//! Single flight without cross-request promises.
//!
//! Only plain data lives in a [`Gate`]: which flight runs, when it last proved alive, how the
//! last one failed. One caller starts the network call (a "flight", spawned as its own task);
//! the others poll the gate on their own timers, so each waits in its own request's context
//! (in Workers a promise created for one request must not be awaited by another). A live
//! flight refreshes a heartbeat; when its request dies (a Worker request that finished or was
//! cancelled), the heartbeat stops and a waiter takes over.

use std::cell::{Cell, RefCell};
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use super::tasks::spawn;

use super::failure::Failure;
use super::fetch::aborted;
use super::timers::{is_aborted, sleep};
use crate::core::{Code, Error};

/// How often a waiter looks at the gate (ms).
const POLL_MS: u32 = 5;
/// How often a flight proves it is alive (ms), and how stale that may get before a waiter
/// takes over.
const HEARTBEAT_MS: u32 = 200;
const DEAD_AFTER_MS: f64 = 1_500.0;

pub(crate) type Work = Pin<Box<dyn Future<Output = Result<(), Failure>>>>;

#[derive(Clone, Copy)]
struct Flight {
    id: u32,
    alive_at: f64,
}

#[derive(Default)]
pub(crate) struct Gate {
    flight: Cell<Option<Flight>>,
    failed: RefCell<Option<(u32, Failure)>>,
    next: Cell<u32>,
}

fn wall_ms() -> f64 {
    js_sys::Date::now()
}

impl Gate {
    /// A value: `fresh()` as soon as it has one; else the running flight is joined, or one is
    /// started with `work()`. Once a flight this caller waited on has succeeded, `after()` may
    /// accept what it left (a due but still valid token). A flight's failure is shared with
    /// its waiters. A flight whose request died (no heartbeat) is taken over: `work(true)`.
    pub async fn obtain(
        self: &Rc<Self>,
        signal: &JsValue,
        fresh: &dyn Fn() -> Option<String>,
        after: &dyn Fn() -> Option<String>,
        work: &dyn Fn(bool) -> Work,
    ) -> Result<String, Failure> {
        let mut waited_on: Option<u32> = None;
        let mut rounds = 0;
        loop {
            if is_aborted(signal) {
                return Err(aborted(signal.unchecked_ref()));
            }
            if let Some(v) = fresh() {
                return Ok(v);
            }
            match self.flight.get() {
                Some(f) if wall_ms() - f.alive_at < DEAD_AFTER_MS => {
                    waited_on = Some(f.id);
                    sleep(POLL_MS).await;
                }
                _ => {
                    if let Some(id) = waited_on.take() {
                        // Every failure is shared: whether and when to try again is the
                        // failure policy's call (the backoff), not each waiter's.
                        if let Some((failed_id, err)) = &*self.failed.borrow() {
                            if *failed_id == id {
                                return Err(err.clone());
                            }
                        }
                        if let Some(v) = after() {
                            return Ok(v);
                        }
                        rounds += 1;
                        if rounds > 2 {
                            return Err(Error::new(
                                Code::BadResponse,
                                "the service gave no usable token",
                            )
                            .into());
                        }
                    }
                    let takeover = self.flight.get().is_some();
                    let id = self.next.get().wrapping_add(1);
                    self.next.set(id);
                    self.flight.set(Some(Flight {
                        id,
                        alive_at: wall_ms(),
                    }));
                    waited_on = Some(id);
                    spawn(Box::pin(self.clone().heartbeat(id)));
                    let gate = self.clone();
                    let job = work(takeover);
                    spawn(Box::pin(async move {
                        let result = job.await;
                        gate.finish(id, result);
                    }));
                    // Let the flight start before the next look.
                    sleep(0).await;
                }
            }
        }
    }

    fn finish(&self, id: u32, result: Result<(), Failure>) {
        if self.flight.get().is_some_and(|f| f.id == id) {
            self.flight.set(None);
        }
        match result {
            Err(e) => *self.failed.borrow_mut() = Some((id, e)),
            Ok(()) => *self.failed.borrow_mut() = None,
        }
    }

    /// Proves that flight `id` is alive until it ends (this task runs in the same request
    /// context as the flight, so it stops with it).
    async fn heartbeat(self: Rc<Self>, id: u32) {
        loop {
            sleep(HEARTBEAT_MS).await;
            match self.flight.get() {
                Some(f) if f.id == id => self.flight.set(Some(Flight {
                    id,
                    alive_at: wall_ms(),
                })),
                _ => return,
            }
        }
    }
}
