// node examples/decode.mjs <token>   (after `make pkg`; in your project: import from "nadeo-auth")
import { decodeToken, tokenTimes, NadeoAuthError } from "../pkg/index-node.js";

const token = process.argv[2] ?? "";
try {
  const { header, payload } = decodeToken(token);
  const t = tokenTimes(token);
  console.log({ header, payload });
  console.log(t.expired ? "expired" : `expires in ${Math.round(t.expiresIn)} s`);
} catch (e) {
  if (e instanceof NadeoAuthError) console.error(`not a token: ${e.code}: ${e.message}`);
  else throw e;
  process.exitCode = 1;
}
