// Headless Chromium through playwright-core (Debian's chromium: no browser download).
import { tool } from "./tools.mjs";

export async function launchChromium() {
  const pw = await tool("playwright-core");
  const chromium = pw.chromium ?? pw.default.chromium;
  return chromium.launch({
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
}
