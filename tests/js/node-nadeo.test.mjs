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

test("node: a script that starts auto-refresh ends by itself once its own work is done", async () => {
  const { execFile } = await import("node:child_process");
  await mock.reset(); // the mock on the machine's clock, as the script is
  const script = `
    import { NadeoClient } from "nadeo-auth";
    const client = new NadeoClient({ login: "svc_login", password: "pa:ss wörd 🏎", userAgent: "ua / tests",
      coreUrl: ${JSON.stringify(mock.coreUrl)}, liveUrl: ${JSON.stringify(mock.liveUrl)} });
    await client.accessToken("NadeoLiveServices");
    client.startAutoRefresh();
    console.log("done");`;
  const started = Date.now();
  const out = await new Promise((resolve, reject) =>
    execFile(
      process.execPath,
      ["--input-type=module", "-e", script],
      { cwd: new URL(".", import.meta.url).pathname, timeout: 10_000 },
      (err, stdout) => (err ? reject(new Error(`the script did not end by itself: ${err.message}`)) : resolve(stdout)),
    ),
  );
  if (out.trim() !== "done") throw new Error(out);
  if (Date.now() - started > 5_000) throw new Error(`it took ${Date.now() - started} ms`);
});
