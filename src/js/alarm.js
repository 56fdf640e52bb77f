// Waits until a wall-clock time, for the scheduling functions (whenRefreshable, whenExpired,
// scheduleRefresh) and NadeoClient.startAutoRefresh; the wasm decides when (src/schedule.rs).
// A timer holds at most 2^31 - 1 ms and drifts (machines sleep, clocks are set), so a wait is
// a chain of timers of at most 2^30 ms (about 12 days), the clock read again after each: it
// ends at the time asked for, never before. Both entries' wasm import this file.
import { abortedError } from "./error.js";

const MAX_TIMER_MS = 2 ** 30;

/** Calls `fire` once at `at` (ms since the epoch; soon when that has passed). Returns the
 *  function that cancels it. A `background` alarm (auto-refresh) never holds a Node, Bun or
 *  Deno process open: a script ends when its own work does. */
export function alarm(at, fire, background) {
  let timer;
  const arm = () => {
    const left = Math.min(Math.max(Math.ceil(at - Date.now()), 0), MAX_TIMER_MS);
    timer = setTimeout(() => (Date.now() < at ? arm() : fire()), left);
    if (background) {
      if (typeof timer === "object") timer?.unref?.();
      else globalThis.Deno?.unrefTimer?.(timer);
    }
  };
  arm();
  return () => clearTimeout(timer);
}

/** A promise that resolves at `at`, or rejects with ABORTED as soon as `signal` fires (at once
 *  if it has); a wait that ends leaves no listener on the signal. */
export function waitUntil(at, signal) {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortedError(signal));
    const onAbort = () => {
      cancel();
      reject(abortedError(signal));
    };
    const cancel = alarm(at, () => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    });
    signal?.addEventListener("abort", onAbort);
  });
}
