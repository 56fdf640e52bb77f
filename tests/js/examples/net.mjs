// Preloaded (`node --import`) into every Node process an example runs in (the CLI's too): the
// real hosts answered by the mocks (routes.mjs). Only the network moves; the library sees the
// real URLs. The example's free names (a token to decode, credentials) are set here too.
import { routed } from "./routes.mjs";

const realFetch = globalThis.fetch;
globalThis.fetch = (input, init) => {
  if (input instanceof Request) return realFetch(new Request(routed(input.url), input), init);
  return realFetch(routed(String(input instanceof URL ? input.href : input)), init);
};

// What the examples take as given (the text around them says where they come from).
const given = JSON.parse(process.env.NADEO_AUTH_EXAMPLE_GIVEN ?? "{}");
Object.assign(globalThis, given, { renew: () => {} });
