// The waits of the scheduling functions (src/js/alarm.js) on an injected clock: a
// fake Date.now and fake timers, so that 30 days pass in a moment and nothing sleeps.
import assert from "node:assert/strict";
import { test } from "node:test";
import { alarm, waitUntil } from "../src/js/alarm.js";

const MAX_TIMER_MS = 2 ** 30;
const DAY = 86_400_000;

/** Date.now, setTimeout and clearTimeout replaced; `run` fires the next timer (moving the
 *  clock to its time, or to `drift` ms later), `set` moves the clock without firing. */
function fakeTime(t, start) {
  const real = { now: Date.now, set: globalThis.setTimeout, clear: globalThis.clearTimeout };
  let now = start;
  let id = 0;
  const timers = new Map();
  const delays = [];
  Date.now = () => now;
  globalThis.setTimeout = (fn, ms) => {
    timers.set(++id, { fn, at: now + ms });
    delays.push(ms);
    return id;
  };
  globalThis.clearTimeout = (i) => timers.delete(i);
  t.after(() => {
    Date.now = real.now;
    globalThis.setTimeout = real.set;
    globalThis.clearTimeout = real.clear;
  });
  return {
    timers,
    delays,
    now: () => now,
    set: (ms) => {
      now = ms;
    },
    run(drift = 0) {
      const [i, { fn, at }] = [...timers].sort((a, b) => a[1].at - b[1].at)[0];
      timers.delete(i);
      now = at + drift;
      fn();
    },
  };
}

test("alarm: a 30-day wait is a chain of timers of at most 2^30 ms that fires at its time, not before", (t) => {
  const clock = fakeTime(t, 1_700_000_000_000);
  const at = clock.now() + 30 * DAY;
  let fired = 0;
  alarm(at, () => fired++);
  while (clock.timers.size > 0) {
    assert.equal(fired, 0);
    clock.run();
  }
  assert.equal(fired, 1);
  assert.equal(clock.now(), at);
  assert.ok(
    clock.delays.every((ms) => ms >= 0 && ms <= MAX_TIMER_MS),
    `delays ${clock.delays}`,
  );
  assert.equal(clock.delays.length, 3, "30 days in pieces of about 12");
});

test("alarm: a timer that ends early (the clock set back) waits again; one that ends late fires at once", (t) => {
  const clock = fakeTime(t, 1_000_000);
  let fired = 0;
  alarm(1_000_000 + 60_000, () => fired++);
  clock.run(-30_000); // the timer ran, but the wall clock says 30 s are left
  assert.equal(fired, 0);
  assert.equal(clock.timers.size, 1);
  assert.equal(clock.delays.at(-1), 30_000);
  clock.run(5 * 60_000); // the machine slept: late, so fired as soon as it wakes
  assert.equal(fired, 1);
  assert.equal(clock.timers.size, 0);
});

test("alarm: a time already past fires on the next turn (never during the call), and cancel stops it", (t) => {
  const clock = fakeTime(t, 5_000);
  let fired = 0;
  alarm(1_000, () => fired++);
  assert.equal(fired, 0, "not during the call");
  clock.run();
  assert.equal(fired, 1);
  const cancel = alarm(clock.now() + 2 * MAX_TIMER_MS, () => fired++);
  clock.run();
  cancel();
  assert.equal(clock.timers.size, 0, "the chain's next timer is cleared too");
  assert.equal(fired, 1);
});

test("waitUntil: resolves at its time; an abort rejects with ABORTED (its reason as the cause) and leaves no listener", async (t) => {
  const clock = fakeTime(t, 0);
  const done = waitUntil(10_000, undefined);
  clock.run();
  await done;
  const controller = new AbortController();
  const added = [];
  const removed = [];
  const signal = controller.signal;
  const add = signal.addEventListener.bind(signal);
  signal.addEventListener = (type, fn) => {
    added.push(type);
    add(type, fn);
  };
  const remove = signal.removeEventListener.bind(signal);
  signal.removeEventListener = (type, fn) => {
    removed.push(type);
    remove(type, fn);
  };
  const ontime = waitUntil(clock.now() + 1000, signal);
  clock.run();
  await ontime;
  assert.deepEqual(removed, ["abort"], "a wait that ended removed its listener");
  const waiting = waitUntil(clock.now() + 1000, signal);
  controller.abort("stop");
  await assert.rejects(waiting, (e) => e.name === "NadeoAuthError" && e.code === "ABORTED" && e.cause === "stop");
  assert.equal(clock.timers.size, 0, "its timer cleared");
  await assert.rejects(waitUntil(clock.now() + 1000, signal), (e) => e.code === "ABORTED", "aborted before: at once");
  assert.equal(added.length, 2);
});
