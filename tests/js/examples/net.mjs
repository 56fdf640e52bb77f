// Preloaded (`node --import`) into every Node process an example runs in (the CLI's too): the
// real hosts of Nadeo, api.trackmania.com and Openplanet answered by the mocks, whose bases
// NADEO_AUTH_EXAMPLE_ROUTES maps them to. Only the network moves; the library sees the real
// URLs. The example's free names (a token to decode, credentials) are set here too.
const routes = JSON.parse(process.env.NADEO_AUTH_EXAMPLE_ROUTES ?? "{}");

/** `url` with a real origin replaced by its mock's base (in `table`), or as it is. */
export function routed(url, table = routes) {
  for (const [origin, base] of Object.entries(table)) {
    if (url === origin || url.startsWith(`${origin}/`)) return base + url.slice(origin.length);
  }
  return url;
}

const realFetch = globalThis.fetch;
globalThis.fetch = (input, init) => {
  if (input instanceof Request) return realFetch(new Request(routed(input.url), input), init);
  return realFetch(routed(String(input instanceof URL ? input.href : input)), init);
};

// What the examples take as given (the text around them says where they come from).
const given = JSON.parse(process.env.NADEO_AUTH_EXAMPLE_GIVEN ?? "{}");
Object.assign(globalThis, given, { renew: () => {} });
