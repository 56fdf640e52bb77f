// What a Worker sees (tsc with "customConditions": ["workerd"] and @cloudflare/workers-types,
// as scripts/test-js.sh runs it): the workerd entry's typings, the broker included, and the
// client's options taking the runtime's own bindings.
import { NadeoClient, NadeoTokenBroker, TrackmaniaUserClient } from "nadeo-auth";

export { NadeoTokenBroker };

interface Env {
  NADEO_LOGIN: string;
  NADEO_PASSWORD: string;
  NADEO_BROKER: DurableObjectNamespace;
  TOKENS: KVNamespace;
  TM_CLIENT_ID: string;
  TM_CLIENT_SECRET: string;
}

let client: NadeoClient | undefined;

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    client ??= new NadeoClient({
      login: env.NADEO_LOGIN,
      password: env.NADEO_PASSWORD,
      userAgent: "types / me@example.com",
      broker: env.NADEO_BROKER,
    });
    const player = new TrackmaniaUserClient({
      clientId: env.TM_CLIENT_ID,
      clientSecret: env.TM_CLIENT_SECRET,
      store: env.TOKENS,
      key: `player:${new URL(request.url).searchParams.get("id")}`,
    });
    // @ts-expect-error undefined before the first call: the typings say so
    player.tokens.expiresAt;
    return client.fetch("https://live-services.trackmania.nadeo.live/api/token/campaign/official?offset=0&length=1");
  },
} satisfies ExportedHandler<Env>;
