// A Worker that imports the package by name (through its "workerd" export condition) and
// runs the shared suite when asked; tests/js/workerd.test.mjs bundles it with
// `wrangler deploy --dry-run` and runs it in workerd with Miniflare.
import * as lib from "nadeo-auth";
import { tests } from "./suite.mjs";

export default {
  async fetch(request) {
    const url = new URL(request.url);
    if (url.pathname === "/list") return Response.json(tests.map(([name]) => name));
    const name = url.searchParams.get("test");
    const entry = tests.find(([n]) => n === name);
    if (!entry) return new Response("no such test", { status: 404 });
    try {
      await entry[1](lib);
      return Response.json({ ok: true });
    } catch (e) {
      return Response.json({ ok: false, error: String(e?.stack ?? e) });
    }
  },
};
