#!/usr/bin/env node
// make demo: serves the playground (www/) and the built package (pkg/) on loopback and
// prints one URL; Ctrl-C stops everything. PORT overrides the port (default 8787).
import { createServer } from "node:http";
import { readFile } from "node:fs/promises";
import { extname, join, normalize } from "node:path";

const root = new URL("..", import.meta.url).pathname;
const port = Number(process.env.PORT ?? 8787);
const TYPES = { ".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8", ".wasm": "application/wasm", ".json": "application/json" };

const server = createServer(async (req, res) => {
  let path = normalize(decodeURIComponent(new URL(req.url, "http://x").pathname));
  if (path.includes("..")) return res.writeHead(400).end();
  const base = path.startsWith("/pkg/") ? root : join(root, "www");
  if (path.endsWith("/")) path += "index.html";
  try {
    const body = await readFile(join(base, path));
    res.writeHead(200, { "content-type": TYPES[extname(path)] ?? "application/octet-stream", "cache-control": "no-store" });
    res.end(body);
  } catch {
    res.writeHead(404, { "content-type": "text/plain" }).end("not found");
  }
});
server.on("error", (e) => {
  if (e.code === "EADDRINUSE") console.error(`make demo: port ${port} is in use. Stop what uses it, or run PORT=8788 make demo.`);
  else console.error(`make demo: ${e.message}`);
  process.exit(1);
});
server.listen(port, "127.0.0.1", () => {
  console.log(`nadeo-auth playground: http://127.0.0.1:${port}/   (Ctrl-C to stop)`);
});
const stop = () => {
  server.close();
  process.exit(0);
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
