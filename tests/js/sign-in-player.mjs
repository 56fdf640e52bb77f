// A player signed in against the api.trackmania.com mock, as a back end gets them: "Authorize"
// pressed on the mock's page for `redirectUri`, then the code exchanged. For the fleet tests
// and make bench.
export async function signInPlayer(lib, tm, redirectUri, scope = "") {
  const res = await fetch(`${tm.origin}/oauth/authorize/decide`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({
      client_id: tm.clientId,
      redirect_uri: redirectUri,
      scope,
      state: "s",
      decision: "allow",
    }).toString(),
    redirect: "manual",
  });
  const code = new URL(res.headers.get("location")).searchParams.get("code");
  return lib.exchangeCode({
    clientId: tm.clientId,
    clientSecret: tm.clientSecret,
    apiUrl: tm.origin,
    code,
    redirectUri,
  });
}
