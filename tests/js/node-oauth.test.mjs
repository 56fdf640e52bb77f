// The OAuth server-side suite in Node, against the mock api.trackmania.com.
import { after, test } from "node:test";
import * as lib from "nadeo-auth";
import { startOAuthMock } from "./mock/oauth.mjs";
import { oauthMockClient } from "./mock-oauth-client.mjs";
import { REDIRECT, tests } from "./oauth-suite.mjs";
import { tests as rotationTests } from "./rotation-suite.mjs";

const server = await startOAuthMock({ redirectUris: [REDIRECT] });
const tm = oauthMockClient(server.origin, server.clientId, server.clientSecret, server.user);
after(() => server.close());

for (const [name, fn] of tests) test(`node: ${name}`, () => fn(lib, tm));
for (const [name, fn] of rotationTests) test(`node: rotation: ${name}`, () => fn(lib, tm));
