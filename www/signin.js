// Sign in with Trackmania: beginLogin -> authorize page -> completeLogin -> the Worker.
// A page loads the small entry: the page half of sign-in is in nadeo-auth/token.
import { NadeoAuthError, beginLogin, completeLogin } from "nadeo-auth/token";

const $ = (id) => document.getElementById(id);
const who = $("who");

function show(user) {
  who.innerHTML = "";
  if (user) {
    const p = document.createElement("span");
    p.className = "player";
    p.textContent = user.displayName;
    who.append("Signed in as ", p, ` (${user.accountId})`);
  } else {
    who.textContent = "Not signed in.";
  }
  $("signin").hidden = !!user;
  $("signout").hidden = !user;
}

async function api(path, init) {
  const res = await fetch(path, init);
  return { status: res.status, body: await res.json() };
}

const config = (await api("/api/config")).body;
$("mode").textContent = `Authorize page: ${config.apiUrl} (${config.mode}).`;

$("signin").addEventListener("click", () => {
  beginLogin({
    clientId: config.clientId,
    redirectUri: `${location.origin}/signin.html`,
    apiUrl: config.apiUrl,
    scopes: ["clubs"],
    pkce: true,
  });
});

$("signout").addEventListener("click", async () => {
  await api("/api/logout", { method: "POST" });
  show(null);
  $("clubs").textContent = "";
});

/** The player's clubs, fetched by the Worker with the player's token (TrackmaniaUserClient). */
async function clubs() {
  const r = await api("/api/clubs");
  const out = $("clubs");
  if (r.status !== 200 || r.body.status !== 200) {
    out.textContent = `Clubs: the Worker said ${r.body.error ?? r.body.status}`;
    return;
  }
  const names = (r.body.clubs.clubList ?? []).map((c) => c.name).join(", ") || "none";
  out.textContent = `Clubs you administer: ${names}. Token renewals by the Worker: ${r.body.renewals}.`;
}

const params = new URLSearchParams(location.search);
if (params.has("code") || params.has("error") || params.has("state")) {
  try {
    const { code, redirectUri, codeVerifier } = completeLogin();
    const r = await api("/api/session", { method: "POST", body: JSON.stringify({ code, redirectUri, codeVerifier }) });
    if (r.status !== 200) throw new Error(`the Worker said ${r.body.error}`);
    show(r.body);
    await clubs();
  } catch (e) {
    who.textContent =
      e instanceof NadeoAuthError ? `Sign-in refused: ${e.code} (${e.message})` : `Sign-in failed: ${e.message}`;
    $("signin").hidden = false;
  }
} else {
  const me = await api("/api/me");
  show(me.status === 200 ? me.body : null);
  if (me.status === 200) await clubs();
}
document.body.dataset.ready = "1";
