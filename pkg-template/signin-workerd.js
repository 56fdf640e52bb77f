// beginLogin and completeLogin in Cloudflare Workers: a Worker has no page to sign in from (no
// sessionStorage, no location), so both throw what signin.js throws there, without shipping
// its code in the Workers entries.
import { noPage } from "./signin.js";

export function beginLogin() {
  throw noPage();
}

export function completeLogin() {
  throw noPage();
}
