// A Worker that imports the package by name (through its "workerd" export condition) and
// runs the shared suite when asked; tests/js/workerd.test.mjs bundles it with
// `wrangler deploy --dry-run` and runs it in workerd with Miniflare.
import * as lib from "nadeo-auth";
import { tests as tokenTests } from "./suite.mjs";
import { tests as nadeoTests } from "./nadeo-suite.mjs";
import { mockClient } from "./mock-client.mjs";

export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    const tests = url.searchParams.get("suite") === "nadeo" ? nadeoTests : tokenTests;
    if (url.pathname === "/list") return Response.json(tests.map(([name]) => name));
    const name = url.searchParams.get("test");
    const entry = tests.find(([n]) => n === name);
    if (!entry) return new Response("no such test", { status: 404 });
    try {
      await entry[1](lib, mockClient(env.MOCK_ORIGIN));
      return Response.json({ ok: true });
    } catch (e) {
      return Response.json({ ok: false, error: String(e?.stack ?? e) });
    }
  },
};
