// nadeo-auth/stores: TokenStores with a lock, for fleets outside Cloudflare (Node, Bun, Deno).
// The package depends on no database client: pass your own.
import type { TokenStore } from "./index.js";

export type { TokenStore } from "./index.js";

/** A TokenStore that always has a lock.
 *
 * @example
 * const store: LockingTokenStore = fileStore("./.tokens");
 * const release = await store.lock("my-key", 10_000); // null while another process holds it
 */
export type LockingTokenStore = TokenStore & Required<Pick<TokenStore, "lock" | "delete">>;

/**
 * A Redis or Valkey server, through the client you already have: node-redis (v4+), ioredis
 * or iovalkey (told apart by their shape). Keys are `prefix + key` (default "nadeo-auth:").
 * The lease is `SET NX PX` with a random owner, given back only by its owner (a script).
 *
 * @example
 * import { createClient } from "redis";
 * import { NadeoClient } from "nadeo-auth";
 * import { redisStore } from "nadeo-auth/stores";
 * const redis = await createClient({ url: process.env.REDIS_URL }).connect();
 * const client = new NadeoClient({ login, password, userAgent, store: redisStore(redis) });
 */
export function redisStore(client: unknown, options?: { prefix?: string }): LockingTokenStore;

/**
 * Deno KV (`Deno.openKv()`, a local file or Deno Deploy): strongly consistent; the lease is an
 * atomic check on its entry's versionstamp, with `expireIn`.
 *
 * @example
 * import { denoKvStore } from "nadeo-auth/stores";
 * const client = new NadeoClient({ login, password, userAgent, store: denoKvStore(await Deno.openKv()) });
 */
export function denoKvStore(kv: unknown, options?: { prefix?: unknown[] }): LockingTokenStore;

/**
 * One machine: a directory of files, mode 0600, each written to a temporary file and renamed;
 * the lease is a lock file created exclusively, taken over once its time has passed. The
 * workers of a cluster, cron runs and the command line share it.
 *
 * @example
 * import { fileStore } from "nadeo-auth/stores";
 * const client = new NadeoClient({ login, password, userAgent, store: fileStore("/var/cache/my-bot") });
 */
export function fileStore(directory: string): LockingTokenStore;
