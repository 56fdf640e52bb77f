// The command line's token cache: one JSON file that is a TokenStore (index.d.ts), so that the
// CLI's NadeoClient keeps its pairs and its failure backoff between runs exactly as a Worker
// keeps them in KV. It holds what the store is given (tokens and failure state), never a
// password or client secret: those stay in the environment.
//
// Why one file, rewritten whole: runs are short and few, and a rename is atomic, so a reader
// sees the old file or the new one, never half of one. Two runs writing at once may lose one
// run's entry (that run's next call logs in again); they never leave a file that does not
// parse. A file that does not parse, or is not ours, is an empty cache: it costs a login,
// never an error.
import { chmodSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join } from "node:path";

const FORMAT = "nadeo-auth-cache/1";

/** The cache file: under NADEO_AUTH_CACHE, else $XDG_CACHE_HOME/nadeo-auth, else ~/.cache/nadeo-auth. */
export function cachePath(env = process.env) {
  const dir = env.NADEO_AUTH_CACHE || join(env.XDG_CACHE_HOME || join(homedir(), ".cache"), "nadeo-auth");
  return join(dir, "tokens.json");
}

/** The entries of the file at `path` ({ key: { value, expires } }), or none if it is absent,
 *  unreadable or not a cache of ours. */
function readEntries(path) {
  let parsed;
  try {
    parsed = JSON.parse(readFileSync(path, "utf8"));
  } catch {
    return {};
  }
  if (parsed?.format !== FORMAT || typeof parsed.entries !== "object" || parsed.entries === null) return {};
  const entries = {};
  for (const [key, entry] of Object.entries(parsed.entries)) {
    if (typeof entry?.value === "string" && typeof entry.expires === "number") entries[key] = entry;
  }
  return entries;
}

/** A TokenStore over the cache file. `now` is the clock in milliseconds. */
export class FileStore {
  #path;
  #now;

  constructor(path, now = Date.now) {
    this.#path = path;
    this.#now = now;
  }

  get(key) {
    const entry = readEntries(this.#path)[key];
    return entry && entry.expires > this.#now() ? entry.value : null;
  }

  put(key, value, options) {
    const now = this.#now();
    const ttl = Number(options?.expirationTtl);
    // Another run may have written since this one read: start from the file as it is now.
    const entries = readEntries(this.#path);
    for (const [k, entry] of Object.entries(entries)) if (entry.expires <= now) delete entries[k];
    entries[key] = { value, expires: now + (ttl > 0 ? ttl : 86400) * 1000 };
    this.#write({ format: FORMAT, entries });
  }

  delete(key) {
    const entries = readEntries(this.#path);
    delete entries[key];
    this.#write({ format: FORMAT, entries });
  }

  /** Writes the whole file: a private temporary file beside it, then a rename over it. */
  #write(content) {
    mkdirSync(dirname(this.#path), { recursive: true, mode: 0o700 });
    const tmp = `${this.#path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
    try {
      writeFileSync(tmp, JSON.stringify(content), { mode: 0o600 });
      chmodSync(tmp, 0o600); // whatever the umask
      renameSync(tmp, this.#path);
    } catch (e) {
      rmSync(tmp, { force: true });
      throw e;
    }
  }
}
