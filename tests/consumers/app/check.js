// What every consumer project runs, whatever built or runs it: both entries load, decode a
// token, and fail with a coded NadeoAuthError of the one class both entries share.
import { decodeToken, NadeoAuthError, NadeoClient } from "nadeo-auth";
import * as token from "nadeo-auth/token";

const TOKEN =
  "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJqdGkiOiJjb25zdW1lciIsImlzcyI6Ik5hZGVvU2VydmljZXMiLCJpYXQiOjE3MDAwMDAwMDAsInJhdCI6MTcwMDAwMzYwMCwiZXhwIjoxNzAwMDA3MjAwLCJhdWQiOiJOYWRlb0xpdmVTZXJ2aWNlcyIsInN1YiI6ImNvbnN1bWVyLXRlc3QifQ.c2lnbmF0dXJl";

export function check() {
  let code = null;
  let sameClass = false;
  try {
    token.decodeToken("not-a-token");
  } catch (e) {
    code = e.code;
    sameClass = e instanceof NadeoAuthError && e instanceof token.NadeoAuthError && e.name === "NadeoAuthError";
  }
  return {
    full: decodeToken(TOKEN).payload.sub,
    token: token.decodeToken(TOKEN).payload.aud,
    expiresAt: token.tokenTimes(TOKEN).expiresAt,
    client: typeof NadeoClient,
    code,
    sameClass,
  };
}
