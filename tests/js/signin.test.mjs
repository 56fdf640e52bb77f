// A real sign-in in headless Chromium: the page calls beginLogin, the browser goes to the mock
// authorize page, comes back, completeLogin checks it, the page posts the code to a back end
// (a Worker in Miniflare) that calls exchangeCode and currentUser, and the page shows the
// player. Forged redirects show an error and exchange nothing.
import { after, before, test } from "node:test";
import { mkdirSync, writeFileSync } from "node:fs";
import { serveStatic } from "./static-server.mjs";
import { launchChromium } from "./browser.mjs";
import { startOAuthMock } from "./mock/oauth.mjs";
import { bundleWorker, tool } from "./tools.mjs";

const here = new URL(".", import.meta.url).pathname;
const artifacts = process.env.NADEO_AUTH_ARTIFACTS ?? `${here}artifacts`;
let web, tm, mf, backend, browser, page;
const tokenCalls = () => tm.stats.token;
const exchanges = async () => (await (await fetch(`${backend}/count`)).json()).exchanges;

before(async () => {
  mkdirSync(artifacts, { recursive: true });
  web = await serveStatic(here);
  tm = await startOAuthMock({ redirectUris: [`${web.origin}/signin/callback.html?from=test`] });
  const scriptPath = bundleWorker(here, "signin-worker.mjs", "dist-signin");
  const { Miniflare } = await tool("miniflare");
  mf = new Miniflare({
    modules: true,
    scriptPath,
    modulesRules: [{ type: "CompiledWasm", include: ["**/*.wasm"] }],
    compatibilityDate: "2026-04-01",
    host: "127.0.0.1",
    port: 0,
    bindings: { TM_ORIGIN: tm.origin, TM_CLIENT_ID: tm.clientId, TM_CLIENT_SECRET: tm.clientSecret },
  });
  backend = String(await mf.ready).replace(/\/$/, "");
  writeFileSync(
    `${here}signin/config.js`,
    `export const config = ${JSON.stringify({ tm: tm.origin, clientId: tm.clientId, backend })};\n`,
  );
  browser = await launchChromium();
  page = await browser.newPage();
});

after(async () => {
  await browser?.close();
  await mf?.dispose();
  await tm?.close();
  web?.server.close();
});

async function result() {
  await page.waitForSelector("#result[data-done]", { timeout: 20_000 });
  return page.textContent("#result");
}

let signedInUrl;

test("chromium: sign in with Trackmania, end to end", async () => {
  const visited = [];
  page.on("framenavigated", (f) => f === page.mainFrame() && visited.push(f.url()));
  await page.goto(`${web.origin}/signin/index.html`);
  await page.click("#signin");
  await page.waitForURL(`${tm.origin}/oauth/authorize**`);
  await page.screenshot({ path: `${artifacts}/signin-1-authorize.png` });
  await page.click("#allow");
  const text = await result();
  await page.screenshot({ path: `${artifacts}/signin-2-done.png` });
  if (!text.includes("Signed in as tooInfinite")) throw new Error(`the page says: ${text}`);
  if (page.url() !== `${web.origin}/signin/callback.html?from=test`)
    throw new Error(`code and state stay in the address bar: ${page.url()}`);
  signedInUrl = visited.find((u) => u.includes("code="));
  if (!signedInUrl) throw new Error("no redirect with a code was seen");
  if (tokenCalls() !== 1 || (await exchanges()) !== 1) throw new Error("expected one exchange");
});

test("chromium: a replayed redirect is refused and exchanges nothing", async () => {
  await page.goto(signedInUrl);
  const text = await result();
  if (!/OAUTH_STATE_(MISSING|MISMATCH)/.test(text)) throw new Error(`the page says: ${text}`);
  if (tokenCalls() !== 1 || (await exchanges()) !== 1) throw new Error("a replay was exchanged");
});

test("chromium: a forged state, and an error with a forged state, are refused", async () => {
  await page.goto(`${web.origin}/signin/index.html?stay`);
  await page.click("#signin"); // a sign-in is pending, with its own state
  await page.goto(`${web.origin}/signin/callback.html?from=test&code=forged&state=WRONG`);
  let text = await result();
  if (!text.includes("OAUTH_STATE_MISMATCH")) throw new Error(`forged state: ${text}`);
  await page.goto(`${web.origin}/signin/index.html?stay`);
  await page.click("#signin");
  await page.goto(`${web.origin}/signin/callback.html?from=test&error=access_denied&state=EVIL`);
  text = await result();
  if (!text.includes("OAUTH_STATE_MISMATCH")) throw new Error(`forged error: ${text}`);
  await page.screenshot({ path: `${artifacts}/signin-3-forged.png` });
  if (tokenCalls() !== 1 || (await exchanges()) !== 1) throw new Error("a forged redirect was exchanged");
});

test("chromium: refusing on the authorize page shows OAUTH_DENIED", async () => {
  await page.goto(`${web.origin}/signin/index.html`);
  await page.click("#signin");
  await page.waitForURL(`${tm.origin}/oauth/authorize**`);
  await page.click("#deny");
  const text = await result();
  if (!text.includes("OAUTH_DENIED")) throw new Error(`the page says: ${text}`);
  if (tokenCalls() !== 1) throw new Error("a refusal was exchanged");
});

test("chromium: PKCE end to end (the page's S256 challenge, the Worker's verifier); a wrong or missing verifier is refused", async () => {
  const refusedBefore = tm.stats.pkceRefused;
  for (const [tamper, expected] of [
    ["", /Signed in as tooInfinite/],
    ["wrong", /Back end error: HTTP/],
    ["drop", /Back end error: HTTP/],
  ]) {
    await page.goto(`${web.origin}/signin/index.html?pkce`);
    await page.evaluate((t) => localStorage.setItem("pkce-tamper", t), tamper);
    await page.click("#signin");
    await page.waitForURL(`${tm.origin}/oauth/authorize**`);
    const authorize = new URL(page.url()).searchParams;
    if (authorize.get("code_challenge_method") !== "S256" || !/^[\w-]{43}$/.test(authorize.get("code_challenge") ?? ""))
      throw new Error(`no S256 challenge on the authorize URL: ${page.url()}`);
    await page.click("#allow");
    const text = await result();
    if (!expected.test(text)) throw new Error(`${tamper || "as sent"}: the page says: ${text}`);
  }
  await page.evaluate(() => localStorage.removeItem("pkce-tamper"));
  if (tm.stats.pkceRefused - refusedBefore !== 2) throw new Error("the mock should have refused two verifiers");
});
