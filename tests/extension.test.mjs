// The DevTools extension in Chromium (new headless) with the extension loaded from
// build/extension (make extension): its panel page opened at its chrome-extension:// URL with
// chrome.devtools.network replaced by a stub that replays a recorded page's traffic. The wasm
// instantiates under the extension's own CSP, or nothing decodes.
import { after, before, test } from "node:test";
import { createHash } from "node:crypto";
import { createRequire } from "node:module";
import { mkdirSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { recordedTraffic } from "./fixtures/har.mjs";

const root = new URL("..", import.meta.url).pathname;
const ext = join(root, "build/extension");
const artifacts = join(root, "artifacts");
const require = createRequire(join(root, "tools/package.json"));
const pw = require("playwright-core");
// Chromium names an unpacked extension after its path: sha256, first 32 hex digits as a-p.
const id = [...createHash("sha256").update(ext).digest("hex").slice(0, 32)]
  .map((c) => String.fromCharCode(97 + parseInt(c, 16)))
  .join("");
const traffic = recordedTraffic();
let ctx;
const requests = [];
const problems = [];

const ok = (v, what) => {
  if (!v) throw new Error(what);
};

before(async () => {
  mkdirSync(artifacts, { recursive: true });
  ctx = await pw.chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), "nadeo-ext-")), {
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    headless: false, // the new headless mode below: the old one does not load extensions
    viewport: { width: 1400, height: 900 },
    args: [
      "--headless=new",
      `--disable-extensions-except=${ext}`,
      `--load-extension=${ext}`,
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
    ],
  });
  // The stub of chrome.devtools: the panel's and the devtools page's view of DevTools.
  await ctx.addInitScript((entries) => {
    const chrome = (globalThis.chrome ??= {});
    globalThis.__panels = [];
    chrome.devtools = {
      panels: { create: (title, _icon, page) => globalThis.__panels.push({ title, page }) },
      network: {
        getHAR: (cb) => cb({ entries: entries.slice(0, 1) }),
        onRequestFinished: {
          addListener(fn) {
            setTimeout(() => {
              for (const e of entries.slice(1))
                fn({ ...e, getContent: (cb) => cb(e.response.content.text ?? null, "") });
            }, 50);
          },
        },
      },
    };
  }, traffic.entries);
});

after(() => ctx?.close());

async function openPanel() {
  const page = await ctx.newPage();
  page.on("request", (r) => requests.push(r.url()));
  page.on("pageerror", (e) => problems.push(String(e)));
  page.on("console", (m) => m.type() === "error" && problems.push(m.text()));
  await page.goto(`chrome-extension://${id}/panel.html`);
  await page.waitForFunction(() => document.querySelectorAll("table.tokens tbody tr").length >= 8, null, {
    timeout: 20_000,
  });
  return page;
}

const rowsOf = (page) =>
  page.$$eval("table.tokens tbody tr", (trs) =>
    trs.map((tr) => ({ cells: [...tr.cells].map((td) => td.textContent), cls: tr.className })),
  );

test("extension: the devtools page adds the Trackmania tokens panel", async () => {
  const page = await ctx.newPage();
  await page.goto(`chrome-extension://${id}/devtools.html`);
  await page.waitForFunction(() => globalThis.__panels?.length === 1);
  const [panel] = await page.evaluate(() => globalThis.__panels);
  ok(panel.title === "Trackmania tokens" && panel.page === "panel.html", JSON.stringify(panel));
  await page.close();
});

test("extension: the panel lists every token of the traffic with its warnings", async () => {
  const page = await openPanel();
  const rows = await rowsOf(page);
  const find = (pred, what) => {
    const r = rows.find(pred);
    ok(r, `no row for ${what}: ${JSON.stringify(rows.map((r) => r.cells))}`);
    return r;
  };
  // The login answer's two tokens (from getHAR: traffic before the panel opened), then requests.
  find(
    (r) => r.cells[3].includes("answer: accessToken") && r.cells[1] === "NadeoServices",
    "the login answer's access token",
  );
  find(
    (r) => r.cells[3].includes("answer: refreshToken") && r.cells[3].includes("Nadeo refresh"),
    "the login answer's refresh token",
  );
  const good = find(
    (r) => r.cells[0] === "prod.trackmania.core.nadeo.online" && r.cells[3].includes("request: nadeo_v1"),
    "the Core request",
  );
  ok(
    good.cells[7] === "" && good.cells[2].includes("svc_login") && good.cells[2].includes("5b4d42f4"),
    `a clean row with the account: ${good.cells}`,
  );
  ok(/in \d+ min/.test(good.cells[6]), `a countdown to expiry: ${good.cells[6]}`);
  const mismatch = find((r) => r.cells[7].includes("wants NadeoLiveServices"), "the audience mismatch");
  ok(
    mismatch.cells[0] === "live-services.trackmania.nadeo.live" && mismatch.cells[1] === "NadeoServices",
    `mismatch row: ${mismatch.cells}`,
  );
  const expired = find((r) => r.cells[7].includes("expired"), "the expired token");
  ok(expired.cls.includes("expired") && expired.cells[6].includes("passed"), `expired row: ${JSON.stringify(expired)}`);
  find((r) => r.cells[7].includes("refresh token sent as an access token"), "the refresh token sent to an API");
  find(
    (r) => r.cells[0] === "api.trackmania.com" && r.cells[3].includes("OAuth") && r.cells[3].includes("Bearer"),
    "the OAuth token",
  );
  find((r) => r.cells[3].includes("not a token (TOKEN_MALFORMED)"), "the junk Authorization");
  ok(!rows.some((r) => r.cells[0] === "example.com"), "a request without a token makes no row");
  // Every claim with plain labels, for a chosen row.
  await page.click("table.tokens tbody tr:nth-child(3)");
  await page.waitForSelector("#result:not([hidden]) #claims");
  const claims = await page.textContent("#claims");
  for (const want of ["account ID", "audience", "svc_login", "renewable at"])
    ok(claims.includes(want), `claims lack ${want}`);
  await page.screenshot({ path: join(artifacts, "extension-panel.png") });
  ok(problems.length === 0, `errors in the panel (a CSP refusal of the wasm would show here): ${problems.join("\n")}`);
  await page.close();
});

test("extension: tokens never leave the panel: no network, no storage", async () => {
  const page = await openPanel();
  const stored = await page.evaluate(async () => ({
    local: localStorage.length,
    session: sessionStorage.length,
    dbs: (await indexedDB.databases()).length,
  }));
  ok(stored.local === 0 && stored.session === 0 && stored.dbs === 0, `storage used: ${JSON.stringify(stored)}`);
  const elsewhere = requests.filter((u) => !u.startsWith(`chrome-extension://${id}/`));
  ok(elsewhere.length === 0, `requests left the extension: ${elsewhere.join(", ")}`);
  await page.close();
});

test("extension: the manifest and its CSP are what docs/devtools-panel.md says", () => {
  const manifest = JSON.parse(readFileSync(join(ext, "manifest.json"), "utf8"));
  const readme = readFileSync(join(root, "docs/devtools-panel.md"), "utf8");
  const csp = manifest.content_security_policy?.extension_pages;
  ok(
    manifest.manifest_version === 3 && manifest.devtools_page === "devtools.html",
    "an MV3 manifest with a devtools page",
  );
  ok(csp === "script-src 'self' 'wasm-unsafe-eval'; object-src 'self'", `the CSP allows wasm and nothing more: ${csp}`);
  ok(readme.includes(`\`${csp}\``), "the guide quotes the CSP");
  ok(
    !("permissions" in manifest) && !("host_permissions" in manifest) && !("background" in manifest),
    "no permissions, no background worker",
  );
  ok(readme.includes("build/extension") && readme.includes("Load unpacked"), "the guide says how to load it");
});
