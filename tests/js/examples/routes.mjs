// Where the examples' real hosts are answered: NADEO_AUTH_EXAMPLE_ROUTES maps each real origin
// (Nadeo's, api.trackmania.com, Openplanet) to its mock's base. One rule for the three ways an
// example reaches the network: Node's fetch (net.mjs), curl (curl.mjs), a Worker's fetch
// (examples.test.mjs's outboundService).
export const routes = JSON.parse(process.env.NADEO_AUTH_EXAMPLE_ROUTES ?? "{}");

/** `url` with a real origin replaced by its mock's base (in `table`), or as it is. */
export function routed(url, table = routes) {
  for (const [origin, base] of Object.entries(table)) {
    if (url === origin || url.startsWith(`${origin}/`)) return base + url.slice(origin.length);
  }
  return url;
}
