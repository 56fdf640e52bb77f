// The shared suite in Node, against the packed package installed by name.
import { test } from "node:test";
import * as lib from "nadeo-auth";
import { tests } from "./suite.mjs";

for (const [name, fn] of tests) test(`node: ${name}`, () => fn(lib));
