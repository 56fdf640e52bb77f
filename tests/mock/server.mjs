// What the stand-in services share: JSON answers and a loopback HTTP server that can close
// with requests still hanging.
import { createServer } from "node:http";

export function json(res, status, body, headers = {}) {
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(JSON.stringify(body));
}

/** Listens with `handle(req, res)` (errors answer 500). Resolves to { server, origin, close }. */
export async function listen(handle, { port = 0, host = "127.0.0.1", hanging = new Set() } = {}) {
  const server = createServer((req, res) => {
    handle(req, res).catch((e) => res.writeHead(500).end(String(e)));
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
