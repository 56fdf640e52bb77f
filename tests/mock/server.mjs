// What the stand-in services share: JSON answers and a loopback HTTP server that can close
// with requests still hanging.
import { createServer } from "node:http";

export function json(res, status, body, headers = {}) {
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(JSON.stringify(body));
}

/** Listens with `handle(req, res, body, url)`: the request body read as text and its URL
 *  parsed (errors answer 500). Every answer's `Date` header is the service's clock, `now()`
 *  in seconds (a mock whose clock a test moves says so, as a real server's Date does).
 *  Resolves to { server, origin, close }. */
export async function listen(handle, { port = 0, host = "127.0.0.1", hanging = new Set(), now } = {}) {
  const server = createServer(async (req, res) => {
    if (now) res.setHeader("date", new Date(now() * 1000).toUTCString());
    try {
      const chunks = [];
      for await (const c of req) chunks.push(c);
      await handle(req, res, Buffer.concat(chunks).toString("utf8"), new URL(req.url, "http://mock"));
    } catch (e) {
      res.writeHead(500).end(String(e));
    }
  });
  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, resolve);
  });
  return {
    server,
    origin: `http://${host}:${server.address().port}`,
    async close() {
      for (const res of hanging) res.destroy();
      hanging.clear();
      server.closeAllConnections?.();
      await new Promise((r) => server.close(r));
    },
  };
}

/** What the stand-ins share for tests: failures queued per route, a request log, answers
 *  left hanging, counters, and the `/__control/<command>` endpoint that drives them (so tests
 *  inside workerd can too). `extra` adds commands; `extra.reset` also runs on reset. */
export function testControls(stats, extra = {}) {
  const failures = []; // { route, mode, times }
  const log = [];
  const hanging = new Set();
  const c = {
    stats,
    log,
    hanging,
    fail(route, mode, times = 1) {
      failures.push({ route, mode, times });
    },
    /** The mode of the next failure queued for `route` (used up), or undefined. */
    take(route) {
      const i = failures.findIndex((f) => f.route === route);
      if (i < 0) return undefined;
      const f = failures[i];
      if (--f.times <= 0) failures.splice(i, 1);
      return f.mode;
    },
    /** Drops every queued failure (the service is healthy again); counters and clock stay. */
    heal() {
      failures.length = 0;
    },
    record(entry) {
      log.push(entry);
      if (log.length > 500) log.shift();
    },
    release() {
      for (const res of hanging) res.destroy();
      hanging.clear();
    },
    reset() {
      failures.length = 0;
      for (const k of Object.keys(stats)) stats[k] = 0;
      log.length = 0;
      extra.reset?.();
    },
    /** Answers `/__control/<what>` with `answer()` (default: the counters). */
    handle(what, body, res, answer = () => stats) {
      const args = body ? JSON.parse(body) : {};
      switch (what) {
        case "fail":
          c.fail(args.route, args.mode, args.times ?? 1);
          break;
        case "reset":
          c.reset();
          break;
        case "heal":
          c.heal();
          break;
        case "release":
          c.release();
          break;
        case "log":
          return json(res, 200, log);
        case "stats":
          break;
        default:
          if (typeof extra[what] !== "function") return json(res, 404, { message: "no such control" });
          extra[what](args);
      }
      return json(res, 200, answer());
    },
  };
  return c;
}
