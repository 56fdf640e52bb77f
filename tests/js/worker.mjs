// A Worker that imports the package by name (through its "workerd" export condition) and
// runs the shared suite when asked; tests/js/workerd.test.mjs bundles it with
// `wrangler deploy --dry-run` and runs it in workerd with Miniflare.
import * as lib from "nadeo-auth";
import * as tokenEntry from "nadeo-auth/token";
import { crossTests, suite as tokenSuite } from "./suite.mjs";
import { tests as nadeoTests } from "./nadeo-suite.mjs";
import { tests as failureTests } from "./failure-suite.mjs";
import { tests as clockTests } from "./clock-suite.mjs";
import { tests as rotationTests } from "./rotation-suite.mjs";
import { mockClient } from "./mock-client.mjs";
import { tests as oauthTests } from "./oauth-suite.mjs";
import { oauthMockClient } from "./mock-oauth-client.mjs";

// One client per isolate, as a user keeps it: it must serve every request, whichever request
// started its login.
let client;
// Seconds added to the client's clock (/client/advance), so tests can pass a backoff without
// waiting for it.
let offset = 0;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function clientRoute(url, env) {
  switch (url.pathname) {
    case "/client/advance":
      offset += Number(url.searchParams.get("s"));
      return new Response("ok");
    case "/client/reset":
      offset = 0;
      client = new lib.NadeoClient({
        now: () => Date.now() + offset * 1000,
        login: "svc_login",
        password: "pa:ss wörd 🏎",
        userAgent: "nadeo-auth tests / workerd",
        coreUrl: `${env.MOCK_ORIGIN}/core`,
        liveUrl: `${env.MOCK_ORIGIN}/live`,
        timeoutMs: Number(url.searchParams.get("timeoutMs") ?? 60_000),
      });
      return new Response("ok");
    case "/client/token": {
      const giveUp = Number(url.searchParams.get("giveUpAfter") ?? 0);
      const p = client.accessToken("NadeoLiveServices");
      if (giveUp) {
        p.catch(() => {});
        return Response.json({ token: await Promise.race([p, sleep(giveUp).then(() => null)]) });
      }
      try {
        return Response.json({ token: await p });
      } catch (e) {
        return Response.json({ error: String(e?.code ?? e) });
      }
    }
    case "/client/api": {
      const res = await client.fetch(`${env.MOCK_ORIGIN}/live/api/thing`, { method: "POST", body: "payload" });
      return Response.json({ status: res.status, body: await res.json() });
    }
    case "/client/stats":
      return Response.json(client.stats);
  }
  return undefined;
}

export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    if (url.pathname.startsWith("/client/")) return clientRoute(url, env);
    const suite = url.searchParams.get("suite");
    const suites = {
      nadeo: nadeoTests,
      failure: failureTests,
      clock: clockTests,
      oauth: oauthTests,
      rotation: rotationTests,
      token: tokenSuite("token"),
      cross: crossTests,
    };
    const tests = suites[suite] ?? tokenSuite("full");
    if (url.pathname === "/list") return Response.json(tests.map(([name]) => name));
    const name = url.searchParams.get("test");
    const entry = tests.find(([n]) => n === name);
    if (!entry) return new Response("no such test", { status: 404 });
    try {
      const peer =
        suite === "oauth" || suite === "rotation"
          ? oauthMockClient(env.TM_ORIGIN, env.TM_CLIENT_ID, env.TM_CLIENT_SECRET, JSON.parse(env.TM_USER))
          : mockClient(env.MOCK_ORIGIN);
      if (suite === "token") await entry[1](tokenEntry);
      else if (suite === "cross") await entry[1](lib, tokenEntry);
      else await entry[1](lib, peer);
      return Response.json({ ok: true });
    } catch (e) {
      return Response.json({ ok: false, error: String(e?.stack ?? e) });
    }
  },
};
