// The token inspector: decodes in the page with nadeo-auth; sends the token nowhere.
import { NadeoAuthError, decodeToken, nadeoAuthorization, tokenTimes } from "nadeo-auth";

const $ = (id) => document.getElementById(id);
const input = $("token");
const MEANINGS = {
  jti: "token ID", iss: "issuer", iat: "issued at", rat: "renewable at", exp: "expires at", aud: "audience",
  usg: "usage (Client: user or service account, Server: dedicated server)", sid: "session ID", sat: "signed at",
  sub: "account ID", aun: "name", rtk: "kind (true: refresh token)", pce: "pce", ubiservices_uid: "Ubisoft account ID",
  refresh_aud: "refresh audience (of the access tokens it yields)", limit_type: "limit type", nbf: "not before", scopes: "OAuth scopes",
};
const TIME_CLAIMS = new Set(["iat", "rat", "exp", "sat", "nbf"]);
let current = null; // { token, times }
let timer = 0;

/** Accepts a bare token, "nadeo_v1 t=…", "Bearer …", or a whole "Authorization: …" line. */
function extractToken(text) {
  let t = text.trim();
  t = t.replace(/^authorization\s*:\s*/i, "");
  t = t.replace(/^nadeo_v1\s+t=/i, "").replace(/^bearer\s+/i, "");
  return t.trim();
}

const fmtTime = (s) => (s == null ? "—" : `${new Date(s * 1000).toLocaleString()} (${s})`);
function fmtSpan(seconds) {
  if (!isFinite(seconds)) return "never";
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return `${h ? `${h} h ` : ""}${m ? `${m} min ` : ""}${s % 60} s`;
}

function row(name, value) {
  const tr = document.createElement("tr");
  const th = document.createElement("th");
  th.scope = "row";
  th.textContent = name;
  const meaning = document.createElement("td");
  meaning.textContent = MEANINGS[name] ?? "";
  const td = document.createElement("td");
  td.textContent = TIME_CLAIMS.has(name) && typeof value === "number" ? fmtTime(value) : JSON.stringify(value);
  tr.append(th, meaning, td);
  return tr;
}

function warn(text, kind = "") {
  const div = document.createElement("div");
  div.className = `warning ${kind}`;
  div.textContent = text;
  $("warnings").append(div);
}

function renderTimes() {
  if (!current) return;
  const t = tokenTimes(current.token);
  const dl = $("times");
  dl.replaceChildren();
  const item = (k, v) => {
    const dt = document.createElement("dt");
    dt.textContent = k;
    const dd = document.createElement("dd");
    dd.textContent = v;
    dl.append(dt, dd);
  };
  item("Issued", fmtTime(t.issuedAt));
  item("Renewable", t.refreshableAt == null ? "any time" : `${fmtTime(t.refreshableAt)} · ${t.refreshable ? "now" : `in ${fmtSpan(t.refreshableIn)}`}`);
  item("Expires", t.expiresAt == null ? "never (no exp)" : `${fmtTime(t.expiresAt)} · ${t.expired ? "expired" : `in ${fmtSpan(t.expiresIn)}`}`);
  const start = t.issuedAt ?? t.expiresAt;
  const span = t.expiresAt != null && start != null ? t.expiresAt - start : 0;
  const now = Date.now() / 1000;
  $("elapsed").style.width = span > 0 ? `${Math.min(100, Math.max(0, ((now - start) / span) * 100))}%` : "0";
  $("rat-mark").style.left = span > 0 && t.refreshableAt != null ? `${((t.refreshableAt - start) / span) * 100}%` : "-10px";
}

function show() {
  clearInterval(timer);
  current = null;
  $("copied").textContent = "";
  const token = extractToken(input.value);
  const status = $("status");
  status.className = "";
  if (!token) {
    status.textContent = "";
    $("result").hidden = true;
    return;
  }
  let decoded;
  try {
    decoded = decodeToken(token);
  } catch (e) {
    $("result").hidden = true;
    status.className = "error";
    status.textContent = e instanceof NadeoAuthError ? `Not a valid token: ${e.code} (${e.message})` : `Error: ${e}`;
    return;
  }
  const { header, payload } = decoded;
  current = { token };
  status.textContent = "Decoded in this page.";
  $("warnings").replaceChildren();
  const isNadeo = payload.iss === "NadeoServices";
  if (!isNadeo) warn("Not a Nadeo token (issuer is not NadeoServices): maybe a Trackmania OAuth token.", "");
  else warn(`Nadeo ${payload.rtk ? "refresh" : "access"} token for ${payload.aun ?? "?"} (${payload.sub ?? "?"}), audience ${payload.aud}${payload.refresh_aud ? `, refreshes ${payload.refresh_aud}` : ""}.`, "ok");
  const times = tokenTimes(token);
  if (times.expired) warn("This token has expired.", "bad");
  const body = $("claims").tBodies[0];
  body.replaceChildren(...Object.entries(payload).map(([k, v]) => row(k, v)));
  $("header").textContent = JSON.stringify(header, null, 2);
  $("result").hidden = false;
  renderTimes();
  timer = setInterval(renderTimes, 1000);
}

input.addEventListener("input", show);
$("copy").addEventListener("click", async () => {
  if (!current) return;
  try {
    await navigator.clipboard.writeText(nadeoAuthorization(current.token));
    $("copied").textContent = "Copied.";
  } catch {
    $("copied").textContent = "The clipboard is not available here.";
  }
});
show();
