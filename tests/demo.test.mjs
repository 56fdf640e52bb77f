// The playground as a person uses it: `make demo` started for real, driven by Playwright in
// headless Chromium. Screenshots go to artifacts/ (not committed).
import { after, before, test } from "node:test";
import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { recordedTraffic } from "./fixtures/har.mjs";

const root = new URL("..", import.meta.url).pathname;
const artifacts = `${root}artifacts`;
const require = createRequire(`${root}tools/package.json`);
const pw = require("playwright-core");
let demo, url, browser, page, readyMs;

/** Starts scripts/demo.mjs; resolves to { child, url } once it prints its URL. */
function startDemo(port) {
  const t0 = Date.now();
  const child = spawn(process.execPath, [`${root}scripts/demo.mjs`], {
    env: { ...process.env, PORT: String(port) },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the demo did not start: ${out}`)), 60_000);
    const onData = (d) => {
      out += d;
      const m = /playground: (http:\/\/127\.0\.0\.1:\d+)\//.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ child, url: m[1], ms: Date.now() - t0, out: () => out });
      }
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", (d) => (out += d));
    child.on("exit", (code) => {
      clearTimeout(timer);
      resolve({ child, url: null, code, out: () => out });
    });
  });
}

before(async () => {
  mkdirSync(artifacts, { recursive: true });
  const d = await startDemo(0);
  if (!d.url) throw new Error(`the demo exited: ${d.out()}`);
  demo = d.child;
  url = d.url;
  readyMs = d.ms;
  browser = await pw.chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
    ],
  });
  page = await browser.newPage({ viewport: { width: 1100, height: 1000 } });
});

after(async () => {
  await browser?.close();
  if (demo && demo.exitCode === null) demo.kill("SIGINT");
});

function token(claims) {
  const b = (o) => Buffer.from(JSON.stringify(o)).toString("base64url");
  return `${b({ alg: "HS256", env: "trackmania-prod", ver: "1" })}.${b(claims)}.${Buffer.alloc(32, 7).toString("base64url")}`;
}

test("demo: ready quickly", () => {
  console.log(`# make demo was ready in ${readyMs} ms (warm machine, package built)`);
  if (readyMs > 60_000) throw new Error(`too slow: ${readyMs} ms`);
});

test("demo: the inspector decodes a pasted token in the page and sends nothing", async () => {
  await page.goto(`${url}/`);
  await page.waitForLoadState("networkidle");
  const requests = [];
  page.on("request", (r) => requests.push(r.url()));
  const now = Math.floor(Date.now() / 1000) - 600;
  const t = token({
    jti: "j",
    iss: "NadeoServices",
    iat: now,
    rat: now + 1800,
    exp: now + 3600,
    aud: "NadeoLiveServices",
    usg: "Server",
    sid: "s",
    sat: now,
    sub: "d2372a08-a8a1-46cb-97fb-23a161d85ad0",
    aun: "my_server",
    rtk: false,
    pce: false,
  });
  await page.fill("#token", `Authorization: nadeo_v1 t=${t}`);
  await page.waitForSelector("#result:not([hidden])");
  const claims = await page.textContent("#claims");
  for (const want of [
    "my_server",
    "NadeoLiveServices",
    "d2372a08-a8a1-46cb-97fb-23a161d85ad0",
    "account ID",
    "audience",
  ]) {
    if (!claims.includes(want)) throw new Error(`claims lack ${want}`);
  }
  const times = await page.textContent("#times");
  if (!/Expires/.test(times) || !/in \d+ min/.test(times)) throw new Error(`times: ${times}`);
  await page.waitForTimeout(1200); // the live countdown ticks
  await page.screenshot({ path: `${artifacts}/demo-inspector.png`, fullPage: true });
  if (requests.length) throw new Error(`the page sent requests while inspecting: ${requests.join(", ")}`);
});

test("demo: garbage shows its error code", async () => {
  await page.fill("#token", "this is not a token");
  const status = await page.textContent("#status");
  if (!status.includes("TOKEN_MALFORMED")) throw new Error(`status: ${status}`);
  await page.fill("#token", "eyJhbGciOiJIUzI1NiJ9.e30+.c2ln");
  if (!(await page.textContent("#status")).includes("TOKEN_BASE64")) throw new Error("TOKEN_BASE64 not shown");
  await page.screenshot({ path: `${artifacts}/demo-inspector-error.png` });
});

test("demo: the inspector lists the tokens of a HAR file, in the page", async () => {
  await page.goto(`${url}/`);
  await page.waitForLoadState("networkidle");
  const requests = [];
  page.on("request", (r) => requests.push(r.url()));
  const { har } = recordedTraffic();
  await page.setInputFiles("#har", {
    name: "traffic.har",
    mimeType: "application/json",
    buffer: Buffer.from(JSON.stringify(har)),
  });
  await page.waitForSelector("table.tokens tbody tr");
  const status = await page.textContent("#har-status");
  if (!/9 tokens in 9 requests/.test(status)) throw new Error(`status: ${status}`);
  const warnings = await page.$$eval("table.tokens tbody tr", (trs) =>
    trs.map((tr) => tr.cells[7].textContent).join("|"),
  );
  for (const want of ["wants NadeoLiveServices", "expired", "refresh token sent as an access token"]) {
    if (!warnings.includes(want)) throw new Error(`no "${want}" warning: ${warnings}`);
  }
  // A row opens the token above, as if pasted: every claim, the times.
  await page.click("table.tokens tbody tr:nth-child(4)");
  await page.waitForSelector("#result:not([hidden])");
  if (!(await page.textContent("#claims")).includes("NadeoServices"))
    throw new Error("the chosen token's claims are not shown");
  await page.screenshot({ path: `${artifacts}/demo-inspector-har.png`, fullPage: true });
  if (requests.length) throw new Error(`the page sent requests while reading the HAR: ${requests.join(", ")}`);
});

test("demo: a file that is not HAR, a huge one and junk tokens get a clear message, never a broken page", async () => {
  // Playwright passes files over 50 MB by path only.
  const hugeFile = `${mkdtempSync(`${tmpdir()}/nadeo-har-`)}/huge.har`;
  writeFileSync(hugeFile, Buffer.alloc(51 * 1024 * 1024, 0x20));
  const load = async (name, buffer) => {
    await page.setInputFiles("#har", buffer ? { name, mimeType: "application/octet-stream", buffer } : name);
    await page.waitForFunction(() => document.getElementById("har-status").textContent !== "");
    return page.textContent("#har-status");
  };
  const cases = [
    ["notes.txt", Buffer.from("hello, not JSON"), /not a HAR file: it is not JSON/],
    ["other.json", Buffer.from(JSON.stringify({ hello: "world" })), /not a HAR file: it has no log\.entries/],
    [hugeFile, null, /too large/],
  ];
  for (const [name, buffer, want] of cases) {
    await page.setInputFiles("#har", []);
    const status = await load(name, buffer);
    if (!want.test(status)) throw new Error(`${name}: ${status}`);
    if ((await page.$$("table.tokens tbody tr")).length) throw new Error(`${name}: rows shown`);
  }
  const junk = {
    log: {
      entries: [
        {
          request: {
            url: "https://live-services.trackmania.nadeo.live/api/x",
            headers: [{ name: "Authorization", value: "nadeo_v1 t=a.b" }],
          },
          response: { content: { mimeType: "application/json", text: '{"accessToken": "eyJ.e30.x"}' } },
        },
        { request: { url: 42, headers: "nope" } },
        null,
      ],
    },
  };
  await page.setInputFiles("#har", []);
  const status = await load("junk.har", Buffer.from(JSON.stringify(junk)));
  if (!/2 tokens in 3 requests/.test(status)) throw new Error(`junk: ${status}`);
  const kinds = await page.$$eval("table.tokens tbody tr", (trs) => trs.map((tr) => tr.cells[3].textContent));
  if (!kinds.every((k) => /not a token \(TOKEN_/.test(k))) throw new Error(`junk rows: ${kinds}`);
  // The page still works.
  await page.fill("#token", "this is not a token");
  if (!(await page.textContent("#status")).includes("TOKEN_MALFORMED"))
    throw new Error("the inspector stopped working");
  await page.screenshot({ path: `${artifacts}/demo-inspector-har-junk.png` });
});

test("demo: sign in with Trackmania, keep an HttpOnly session, sign out", async () => {
  await page.goto(`${url}/signin.html`);
  await page.waitForSelector("body[data-ready]");
  if (!(await page.textContent("#who")).includes("Not signed in")) throw new Error("signed in already?");
  await page.click("#signin");
  await page.waitForSelector("#allow");
  const authorize = new URL(page.url()).searchParams;
  if (authorize.get("code_challenge_method") !== "S256" || !authorize.get("code_challenge"))
    throw new Error(`the sign-in uses no PKCE: ${page.url()}`);
  await page.click("#allow");
  await page.waitForSelector("body[data-ready]");
  const who = await page.textContent("#who");
  if (!who.includes("Signed in as tooInfinite")) throw new Error(`the page says: ${who}`);
  // The Worker read the player's clubs with the player's token (TrackmaniaUserClient, KV).
  await page.waitForFunction(() => document.getElementById("clubs").textContent.startsWith("Clubs"), null, {
    timeout: 10_000,
  });
  const clubs = await page.textContent("#clubs");
  if (!/Mock club.*Token renewals by the Worker: 0/.test(clubs)) throw new Error(`the page says: ${clubs}`);
  if (page.url() !== `${url}/signin.html`) throw new Error(`code and state stay in the address bar: ${page.url()}`);
  const [sid] = (await page.context().cookies()).filter((c) => c.name === "sid");
  if (!sid || !sid.httpOnly || sid.sameSite !== "Lax") throw new Error(`session cookie: ${JSON.stringify(sid)}`);
  await page.screenshot({ path: `${artifacts}/demo-signin.png` });
  await page.reload();
  await page.waitForSelector("body[data-ready]");
  if (!(await page.textContent("#who")).includes("tooInfinite")) throw new Error("the session did not last a reload");
  await page.click("#signout");
  await page.waitForFunction(() => document.getElementById("who").textContent.includes("Not signed in"));
});

test("demo: many Nadeo calls through the Worker, one login", async () => {
  await page.goto(`${url}/nadeo.html`);
  await page.click("#five");
  await page.waitForFunction(() => document.getElementById("calls").textContent === "5", null, { timeout: 20_000 });
  await page.click("#call");
  await page.waitForFunction(() => document.getElementById("calls").textContent === "6");
  // The isolate makes no auth call of its own: the fleet's broker made one login for six calls.
  const figures = await page.evaluate(() =>
    Object.fromEntries(
      ["logins", "failures", "fleet-requests", "fleet-logins", "fleet-refreshes", "fleet-failures"].map((id) => [
        id,
        document.getElementById(id).textContent,
      ]),
    ),
  );
  const want = {
    logins: "0",
    failures: "0",
    "fleet-requests": "1",
    "fleet-logins": "1",
    "fleet-refreshes": "0",
    "fleet-failures": "0",
  };
  if (JSON.stringify(figures) !== JSON.stringify(want)) throw new Error(`figures: ${JSON.stringify(figures)}`);
  if (!(await page.textContent("#answer")).includes("NadeoLiveServices")) throw new Error("no answer shown");
  await page.screenshot({ path: `${artifacts}/demo-nadeo.png` });
});

test("demo: a port in use is said plainly; Ctrl-C stops everything", async () => {
  const port = new URL(url).port;
  const second = await startDemo(port);
  if (second.url || second.code !== 1 || !second.out().includes(`port ${port} is in use`))
    throw new Error(`second demo: ${second.out()}`);
  if (/at .*\(.*:\d+:\d+\)/.test(second.out())) throw new Error("a stack trace was printed");
  const exited = new Promise((r) => demo.once("exit", r));
  demo.kill("SIGINT");
  await Promise.race([exited, new Promise((_, j) => setTimeout(() => j(new Error("the demo did not stop")), 10_000))]);
  const again = await startDemo(port); // the port is free again
  if (!again.url) throw new Error(`the port was not freed: ${again.out()}`);
  again.child.kill("SIGINT");
});
