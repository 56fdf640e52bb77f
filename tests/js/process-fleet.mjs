// A fleet of Node processes (fleet-process.mjs each) sharing one store, for the fleet tests
// and make bench: each process is driven over IPC, its clock set by each command.
import { fork } from "node:child_process";
import { join } from "node:path";

const here = new URL(".", import.meta.url).pathname;

/** `n` processes on the store `kind` at `target` (a Redis URL, a directory), against the
 *  mocks. `burst(what, t, calls, procs?)`: every process (or those given) fires `calls`
 *  concurrent calls (`what`: "nadeo" or "player") at the fleet's time `t` (seconds). */
export async function startProcessFleet({ kind, target, mock, tm, n = 4 }) {
  const procs = [];
  for (let i = 0; i < n; i++) {
    const child = fork(
      join(here, "fleet-process.mjs"),
      [kind, target, mock.origin, tm.origin, tm.clientId, tm.clientSecret],
      { stdio: ["ignore", "inherit", "inherit", "ipc"] },
    );
    const replies = [];
    const waiting = [];
    child.on("message", (m) => (waiting.length ? waiting.shift()(m) : replies.push(m)));
    const next = () => (replies.length ? Promise.resolve(replies.shift()) : new Promise((r) => waiting.push(r)));
    await next(); // ready
    procs.push({ child, ask: (m) => (child.send(m), next()) });
  }
  async function burst(what, t, calls = 50, some = procs) {
    const answers = await Promise.all(some.map((p) => p.ask({ cmd: "burst", what, n: calls, now: t * 1000 })));
    const errors = {};
    for (const a of answers) for (const [code, k] of Object.entries(a.errors)) errors[code] = (errors[code] ?? 0) + k;
    const tokens = new Set(answers.flatMap((a) => a.tokens));
    return { answers, errors, tokens, ok: answers.reduce((s, a) => s + a.ok, 0) };
  }
  function close() {
    for (const p of procs) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill("SIGKILL");
  }
  return { procs, burst, close };
}
