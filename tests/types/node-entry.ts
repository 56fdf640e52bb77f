// What Node and bundlers see (tsc under the nodenext, node16 and bundler resolutions, as
// scripts/test-js.sh runs it): no NadeoTokenBroker, which only the workerd entry exports
// (importing it from Node is a SyntaxError at run time, so it is a type error here).
// @ts-expect-error NadeoTokenBroker is the workerd entry's
import type { NadeoTokenBroker } from "nadeo-auth";
import { NadeoClient } from "nadeo-auth";

export const client = new NadeoClient({ login: "l", password: "p", userAgent: "types / me@example.com" });
export type Broker = typeof NadeoTokenBroker;
