// The Nadeo network suite in Node, against the mock service.
import { after, test } from "node:test";
import * as lib from "nadeo-auth";
import { startNadeoMock } from "./mock-nadeo.mjs";
import { mockClient } from "./mock-client.mjs";
import { tests } from "./nadeo-suite.mjs";

const server = await startNadeoMock();
const mock = mockClient(server.origin);
after(() => server.close());

for (const [name, fn] of tests) test(`node: ${name}`, () => fn(lib, mock));
