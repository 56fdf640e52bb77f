// The same check from CommonJS: require() of both entries (Node 20.19+ loads ES modules).
const { decodeToken, NadeoAuthError } = require("nadeo-auth");
const token = require("nadeo-auth/token");
const TOKEN =
  "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJqdGkiOiJjb25zdW1lciIsImlzcyI6Ik5hZGVvU2VydmljZXMiLCJpYXQiOjE3MDAwMDAwMDAsInJhdCI6MTcwMDAwMzYwMCwiZXhwIjoxNzAwMDA3MjAwLCJhdWQiOiJOYWRlb0xpdmVTZXJ2aWNlcyIsInN1YiI6ImNvbnN1bWVyLXRlc3QifQ.c2lnbmF0dXJl";

let code = null;
try {
  token.decodeToken("a.b");
} catch (e) {
  code = e instanceof NadeoAuthError ? e.code : `not a NadeoAuthError: ${e}`;
}
console.log(JSON.stringify({ full: decodeToken(TOKEN).payload.sub, code }));
