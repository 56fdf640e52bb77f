// Type declarations of nadeo-auth's workerd entry (Cloudflare Workers): everything the other
// entries export, and the Durable Object only Workers can run. TypeScript reads this file where
// it resolves the "workerd" condition (`"customConditions": ["workerd"]` in tsconfig.json).
import type { DurableObjectStateLike } from "./index.js";

export * from "./index.js";

/**
 * Workers only (exported by the workerd entry): the Durable Object behind
 * NadeoClientOptions.broker. One object per account makes the single login and renewal per
 * audience for the whole fleet and keeps the failure backoff; it stores tokens and failure
 * state only, never a password.
 *
 * @example
 * // worker.js
 * export { NadeoTokenBroker } from "nadeo-auth";
 * const client = new NadeoClient({ login, password, userAgent, broker: env.NADEO_BROKER });
 * // wrangler.toml
 * // [[durable_objects.bindings]]
 * // name = "NADEO_BROKER"
 * // class_name = "NadeoTokenBroker"
 * // [[migrations]]
 * // tag = "v1"
 * // new_sqlite_classes = ["NadeoTokenBroker"]
 */
export class NadeoTokenBroker {
  constructor(ctx: DurableObjectStateLike, env: unknown);
  /** The internal protocol of the package (POST /token; GET /stats gives the fleet's
   *  upstream `{ logins, refreshes, failures, requests }`). */
  fetch(request: Request): Promise<Response>;
  /** The broker's clock in milliseconds (Date.now); a subclass may move it in tests. */
  now(): number;
}
