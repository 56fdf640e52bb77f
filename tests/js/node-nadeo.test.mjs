// The Nadeo network suite in Node, against the mock service.
import { after, test } from "node:test";
import * as lib from "nadeo-auth";
import { startNadeoMock } from "./mock/nadeo.mjs";
import { mockClient } from "./mock-client.mjs";
import { tests } from "./nadeo-suite.mjs";
import { tests as failureTests } from "./failure-suite.mjs";
import { tests as clockTests } from "./clock-suite.mjs";

const server = await startNadeoMock();
const mock = mockClient(server.origin);
after(() => server.close());

for (const [name, fn] of tests) test(`node: ${name}`, () => fn(lib, mock));
for (const [name, fn] of failureTests) test(`node: failure policy: ${name}`, () => fn(lib, mock));
for (const [name, fn] of clockTests) test(`node: clocks and stores: ${name}`, () => fn(lib, mock));

test("node: util.inspect shows no secret of a NadeoClient", async () => {
  const util = await import("node:util");
  const client = new lib.NadeoClient({
    login: "svc_login",
    password: "hidden-pw-456",
    userAgent: "ua / tests",
    coreUrl: mock.coreUrl,
  });
  await client.accessToken("NadeoLiveServices").catch(() => {});
  const shown = util.inspect(client, { showHidden: true, depth: 8, getters: true });
  if (shown.includes("hidden-pw-456") || shown.includes("svc_login"))
    throw new Error(`inspect shows a secret: ${shown}`);
});
