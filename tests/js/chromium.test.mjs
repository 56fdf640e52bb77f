// The shared suite in headless Chromium: a page imports the package by name through an
// import map (its "browser" entry, which fetches the .wasm next to it via import.meta.url).
import { test } from "node:test";
import { serveStatic } from "./static-server.mjs";
import { launchChromium } from "./browser.mjs";

const root = new URL(".", import.meta.url).pathname;
const { server, origin } = await serveStatic(root);
const browser = await launchChromium();
let results;
const errors = [];
try {
  const page = await browser.newPage();
  page.on("pageerror", (e) => errors.push(String(e)));
  await page.goto(`${origin}/suite.html`);
  await page.waitForFunction(() => window.__results, null, { timeout: 60_000 });
  results = await page.evaluate(() => window.__results);
} finally {
  await browser.close();
  server.close();
}

test("chromium: the page ran without uncaught errors", () => {
  if (errors.length) throw new Error(errors.join("\n"));
});
for (const r of results) {
  test(`chromium: ${r.name}`, () => {
    if (!r.ok) throw new Error(r.error);
  });
}
