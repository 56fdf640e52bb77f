// The optional throttle of NadeoClient.fetch (`requestsPerSecond`): API calls leave one at a
// time, at most that many a second, in the order they were made. Nadeo publishes no rate
// limit but asks for about 2 requests a second in short bursts and fewer for long jobs; the
// auth endpoints are never throttled here (the failure policy guards them). The option is
// read and checked with the others by the wasm (ManagedTokens' `throttleMs`).
import { NadeoAuthError } from "./error.js";

export class Throttle {
  #interval;
  #next = 0;
  #queue = [];
  #timer;

  constructor(intervalMs) {
    this.#interval = intervalMs;
  }

  /** Resolves when this call may go (queued in order); rejects with ABORTED, and leaves the
   *  queue, as soon as `signal` fires. */
  wait(signal) {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(aborted(signal));
      const entry = { resolve, signal, onAbort: undefined };
      if (signal) {
        entry.onAbort = () => {
          const i = this.#queue.indexOf(entry);
          if (i >= 0) this.#queue.splice(i, 1);
          reject(aborted(signal));
        };
        signal.addEventListener("abort", entry.onAbort, { once: true });
      }
      this.#queue.push(entry);
      this.#pump();
    });
  }

  #pump() {
    if (this.#timer !== undefined) return;
    while (this.#queue.length > 0) {
      const now = Date.now();
      if (now < this.#next) {
        this.#timer = setTimeout(() => {
          this.#timer = undefined;
          this.#pump();
        }, this.#next - now);
        return;
      }
      const entry = this.#queue.shift();
      entry.signal?.removeEventListener("abort", entry.onAbort);
      this.#next = now + this.#interval;
      entry.resolve();
    }
  }
}

function aborted(signal) {
  return new NadeoAuthError("ABORTED", "the call was aborted", { cause: signal.reason });
}
