// What the Openplanet stand-in (in oauth.mjs) knows, shared with the suites that run in
// workerd (which cannot import the mock itself): the plugin's secret and the tokens
// Auth::GetToken() handed out.
export const OPENPLANET_SECRET = "op-plugin-secret-123";
export const OPENPLANET_TOKENS = {
  "op-token-good": { accountId: "5b4d42f4-c2de-407d-b367-cbff3fe817bc", displayName: "tooInfinite" },
};
export const OPENPLANET_TOKEN_TIME = 1_790_000_000;
