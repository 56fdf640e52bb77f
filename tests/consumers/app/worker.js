// The consumer as a Cloudflare Worker (bundled by wrangler): the check as the response.
import { check } from "./check.js";

export default {
  async fetch() {
    return Response.json(check());
  },
};
