// A Worker of the broker tests (tests/js/broker.test.mjs): the same script runs as two Workers
// ("a" and "b", two isolates) bound to one NadeoTokenBroker class, as a fleet would be.
// The broker is the package's own class; this subclass only adds a test clock and a reset.
import { NadeoClient, NadeoTokenBroker, TrackmaniaUserClient } from "nadeo-auth";

// Seconds added to Date.now(), for this isolate's client and (set the same way) the broker's.
let offset = 0;

export class TestBroker extends NadeoTokenBroker {
  #offset = 0;

  now() {
    return Date.now() + this.#offset * 1000;
  }

  async fetch(request) {
    const url = new URL(request.url);
    if (url.pathname === "/__test/clock") {
      this.#offset = Number(url.searchParams.get("offset"));
      return new Response("ok");
    }
    return super.fetch(request);
  }
}

let client;
// One signed-in player's client per isolate (its renewals are the broker's).
let player;
// MODE (for make bench): "broker" (default), "kv" (a KV store shared by the isolates) or
// "alone" (each isolate on its own).
const fresh = (env) =>
  new NadeoClient({
    login: "svc_login",
    password: env.PASSWORD,
    userAgent: "nadeo-auth tests / broker",
    coreUrl: `${env.MOCK_ORIGIN}/core`,
    liveUrl: `${env.MOCK_ORIGIN}/live`,
    ...(env.MODE === "alone" ? {} : env.MODE === "kv" ? { store: env.TOKENS } : { broker: env.NADEO_BROKER }),
    now: () => Date.now() + offset * 1000,
  });
const broker = (env) => env.NADEO_BROKER.get(env.NADEO_BROKER.idFromName("svc_login"));

export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    client ??= fresh(env);
    switch (url.pathname) {
      case "/token":
        try {
          return Response.json({ token: await client.accessToken("NadeoLiveServices") });
        } catch (e) {
          return Response.json({ error: e.code, message: e.message, retryAfter: e.retryAfter });
        }
      case "/api": {
        try {
          const res = await client.fetch(`${env.MOCK_ORIGIN}/live/api/thing`);
          return Response.json({ status: res.status });
        } catch (e) {
          return Response.json({ error: e.code });
        }
      }
      case "/player": {
        try {
          const { tokens } = await request.json();
          player ??= new TrackmaniaUserClient({
            clientId: env.TM_CLIENT_ID,
            clientSecret: env.TM_CLIENT_SECRET,
            apiUrl: env.TM_ORIGIN,
            broker: env.NADEO_BROKER,
            key: "player-1",
            tokens,
            now: () => Date.now() + offset * 1000,
          });
          return Response.json({ token: await player.accessToken(), stats: player.stats });
        } catch (e) {
          return Response.json({ error: e.code, message: e.message });
        }
      }
      case "/clock":
        offset = Number(url.searchParams.get("offset"));
        await broker(env).fetch(`https://broker/__test/clock?offset=${offset}`);
        await env.NADEO_BROKER.get(env.NADEO_BROKER.idFromName("player-1")).fetch(
          `https://broker/__test/clock?offset=${offset}`,
        );
        return new Response("ok");
      case "/reset":
        client = fresh(env);
        return new Response("ok");
      case "/stats":
        return Response.json({
          client: client.stats,
          broker: await (await broker(env).fetch("https://broker/stats")).json(),
        });
      case "/fresh-token":
        // A new client, as in a new isolate: its first token is one broker round trip.
        return Response.json({ token: await fresh(env).accessToken("NadeoLiveServices") });
    }
    return new Response("not found", { status: 404 });
  },
};
