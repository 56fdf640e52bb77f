// nadeo-auth/stores: TokenStores with a lock, for fleets outside Cloudflare (Node, Bun, Deno).
// With `lock`, every client sharing one of them (NadeoClient, TrackmaniaApi,
// TrackmaniaUserClient) makes one login or renewal per audience and per player for the
// whole fleet: the holder of a key's lease reads the store again, renews only if still due,
// writes, and gives the lease back; the others serve their still-valid token or wait for the
// holder's pair. A lease ends by itself at its ttl, so a holder that dies blocks nobody for
// long. The package depends on no database client: the user passes their own, and errors of
// the store never carry a value (a token) in their message.
import { randomUUID } from "node:crypto";
import { chmodSync, linkSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { NadeoAuthError } from "./error.js";

const invalid = (message) => new NadeoAuthError("INVALID_ARGUMENT", message);

/** A store's own failure, with the operation and the key but never the value or the cause's
 *  text (a driver's error may quote the command, token and all). */
function storeError(what, key, cause) {
  const code = typeof cause?.code === "string" ? ` (${cause.code})` : "";
  return new NadeoAuthError("NETWORK", `the token store failed to ${what} ${JSON.stringify(key)}${code}`);
}

async function guarded(what, key, run) {
  try {
    return await run();
  } catch (e) {
    throw storeError(what, key, e);
  }
}

// ---------------------------------------------------------------- Redis and Valkey

/** Deletes the lease only while it is still the owner's: GET then DEL would not be atomic. */
const RELEASE = 'if redis.call("get", KEYS[1]) == ARGV[1] then return redis.call("del", KEYS[1]) else return 0 end';

/** The two command shapes of the clients users have: node-redis v4+ takes options objects,
 *  ioredis and iovalkey take Redis's own words as arguments. */
function redisShape(client) {
  if (client === null || (typeof client !== "object" && typeof client !== "function")) return undefined;
  for (const m of ["get", "set", "del", "eval"]) if (typeof client[m] !== "function") return undefined;
  // ioredis and iovalkey define commands at run time; node-redis v4+ sends them itself.
  if (typeof client.defineCommand === "function") return "ioredis";
  if (typeof client.sendCommand === "function") return "node-redis";
  return undefined;
}

/**
 * A TokenStore on a Redis or Valkey server, through the client the caller already has:
 * node-redis (v4+), ioredis or iovalkey (told apart by their shape). Keys are prefix + key.
 * The lease is `SET NX PX` with a random owner, given back only by its owner (a script).
 */
export function redisStore(client, options = {}) {
  const shape = redisShape(client);
  if (!shape) throw invalid("redisStore needs a node-redis (v4+), ioredis or iovalkey client");
  const prefix = options.prefix ?? "nadeo-auth:";
  if (typeof prefix !== "string") throw invalid("options.prefix must be a string");
  const ioredis = shape === "ioredis";
  return {
    get: (key) => guarded("read", key, async () => (await client.get(prefix + key)) ?? null),
    put: (key, value, opts) =>
      guarded("write", key, async () => {
        const ttl = Math.ceil(Number(opts?.expirationTtl));
        if (!(ttl > 0)) await client.set(prefix + key, value);
        else if (ioredis) await client.set(prefix + key, value, "EX", ttl);
        else await client.set(prefix + key, value, { EX: ttl });
      }),
    delete: (key) => guarded("delete", key, () => client.del(prefix + key)),
    lock: (key, ttlMs) =>
      guarded("lock", key, async () => {
        const lease = `${prefix}lock:${key}`;
        const owner = randomUUID();
        const ms = Math.max(1, Math.ceil(ttlMs));
        const taken = ioredis
          ? await client.set(lease, owner, "PX", ms, "NX")
          : await client.set(lease, owner, { NX: true, PX: ms });
        if (taken !== "OK") return null;
        return () =>
          guarded("release", key, async () => {
            if (ioredis) await client.eval(RELEASE, 1, lease, owner);
            else await client.eval(RELEASE, { keys: [lease], arguments: [owner] });
          });
      }),
  };
}

// ---------------------------------------------------------------- Deno KV

/** Runs a Deno KV operation again while SQLite says another connection holds the database
 *  (a local KV file shared by processes): contention, not failure. Up to a few seconds. */
async function patiently(op) {
  for (let i = 0; ; i++) {
    try {
      return await op();
    } catch (e) {
      if (i >= 60 || !/database is locked|busy/i.test(String(e?.message))) throw e;
      await new Promise((r) => setTimeout(r, 10 + Math.random() * 40));
    }
  }
}

/**
 * A TokenStore on Deno KV (`Deno.openKv()`, a local file or Deno Deploy), strongly
 * consistent. The lease is an atomic check on its entry's versionstamp: taken only if the
 * entry is absent or past its time, ended by `expireIn` and by its time.
 */
export function denoKvStore(kv, options = {}) {
  if (!kv || typeof kv.get !== "function" || typeof kv.set !== "function" || typeof kv.atomic !== "function") {
    throw invalid("denoKvStore needs a Deno.Kv (Deno.openKv())");
  }
  const prefix = options.prefix ?? ["nadeo-auth"];
  if (!Array.isArray(prefix)) throw invalid("options.prefix must be an array of key parts");
  const at = (key) => [...prefix, key];
  return {
    get: (key) =>
      guarded("read", key, async () => {
        const { value } = await patiently(() => kv.get(at(key)));
        return typeof value === "string" ? value : null;
      }),
    put: (key, value, opts) =>
      guarded("write", key, async () => {
        const ttl = Number(opts?.expirationTtl);
        await patiently(() => kv.set(at(key), value, ttl > 0 ? { expireIn: ttl * 1000 } : undefined));
      }),
    delete: (key) => guarded("delete", key, () => patiently(() => kv.delete(at(key)))),
    lock: (key, ttlMs) =>
      guarded("lock", key, async () => {
        const lease = [...prefix, "lock", key];
        const owner = randomUUID();
        const taken = await patiently(async () => {
          const current = await kv.get(lease);
          if (current.value && current.value.until > Date.now()) return false;
          const value = { owner, until: Date.now() + ttlMs };
          return (await kv.atomic().check(current).set(lease, value, { expireIn: ttlMs }).commit()).ok;
        });
        if (!taken) return null;
        return () =>
          guarded("release", key, () =>
            patiently(async () => {
              const now = await kv.get(lease);
              if (now.value?.owner === owner) await kv.atomic().check(now).delete(lease).commit();
            }),
          );
      }),
  };
}

// ---------------------------------------------------------------- files

/** A key as a file name: any key, no path. */
const fileName = (key) => Buffer.from(key).toString("base64url");

/**
 * A TokenStore in a directory of one machine: a file per key, mode 0600, each written to a
 * temporary file and renamed (a reader sees the old value or the new one). The lease is a
 * lock file created exclusively (a hard link, which fails when one exists), holding its owner
 * and time, taken over once that time has passed. Processes of one machine (the workers of a cluster, cron runs, the command line)
 * share it.
 */
export function fileStore(directory) {
  if (typeof directory !== "string" || directory === "") throw invalid("fileStore needs a directory path");
  const path = (key, ext) => join(directory, `${fileName(key)}.${ext}`);
  const ready = () => mkdirSync(directory, { recursive: true, mode: 0o700 });
  const readEntry = (key) => {
    try {
      const entry = JSON.parse(readFileSync(path(key, "json"), "utf8"));
      return typeof entry?.value === "string" && typeof entry.expires === "number" ? entry : undefined;
    } catch {
      return undefined;
    }
  };
  const writeFile = (target, text) => {
    ready();
    const tmp = `${target}.${process.pid}.${randomUUID()}.tmp`;
    try {
      writeFileSync(tmp, text, { mode: 0o600 });
      chmodSync(tmp, 0o600); // whatever the umask
      renameSync(tmp, target);
    } catch (e) {
      rmSync(tmp, { force: true });
      throw e;
    }
  };
  const readLock = (file) => {
    try {
      return JSON.parse(readFileSync(file, "utf8"));
    } catch {
      return undefined;
    }
  };
  // The lock file appears whole or not at all: written beside it, then hard-linked into
  // place, which fails when a lock file exists (a file created empty and then written would
  // be read half-made by another process and taken for a stale one).
  const tryCreate = (file, content) => {
    const tmp = `${file}.${process.pid}.${randomUUID()}.tmp`;
    writeFileSync(tmp, content, { mode: 0o600 });
    try {
      linkSync(tmp, file);
      return true;
    } catch (e) {
      if (e?.code === "EEXIST") return false;
      throw e;
    } finally {
      rmSync(tmp, { force: true });
    }
  };
  return {
    get: (key) =>
      guarded("read", key, async () => {
        const entry = readEntry(key);
        return entry && entry.expires > Date.now() ? entry.value : null;
      }),
    put: (key, value, opts) =>
      guarded("write", key, async () => {
        const ttl = Number(opts?.expirationTtl);
        const expires = Date.now() + (ttl > 0 ? ttl : 30 * 86400) * 1000;
        writeFile(path(key, "json"), JSON.stringify({ value, expires }));
      }),
    delete: (key) => guarded("delete", key, async () => rmSync(path(key, "json"), { force: true })),
    lock: (key, ttlMs) =>
      guarded("lock", key, async () => {
        ready();
        const file = path(key, "lock");
        const owner = randomUUID();
        const content = JSON.stringify({ owner, pid: process.pid, until: Date.now() + ttlMs });
        if (!tryCreate(file, content)) {
          const held = readLock(file);
          // A lock file past its time (or unreadable) belongs to a holder that died: removed
          // (if it is still that one) and replaced; the link lets one process win.
          if (held && held.until > Date.now()) return null;
          if (readLock(file)?.owner === held?.owner) rmSync(file, { force: true });
          if (!tryCreate(file, content)) return null;
        }
        return () =>
          guarded("release", key, async () => {
            if (readLock(file)?.owner === owner) rmSync(file, { force: true });
          });
      }),
  };
}
