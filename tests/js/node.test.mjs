// The shared suite in Node, against the packed package installed by name: the full entry, the
// token entry, and both together.
import { test } from "node:test";
import * as lib from "nadeo-auth";
import * as token from "nadeo-auth/token";
import { crossTests, suite } from "./suite.mjs";

for (const [name, fn] of suite("full")) test(`node: ${name}`, () => fn(lib));
for (const [name, fn] of suite("token")) test(`node: nadeo-auth/token: ${name}`, () => fn(token));
for (const [name, fn] of crossTests) test(`node: ${name}`, () => fn(lib, token));
