// Finding, reading and showing Nadeo and Trackmania tokens: one piece of code for the token
// inspector page (a pasted token, a HAR file) and the DevTools panel of extension/ (the
// inspected page's traffic). The library (nadeo-auth/token) is passed in by the caller, which
// loads it its own way (an import map in the playground, files beside it in the extension).
// Nothing here sends or stores a token.

const MEANINGS = {
  jti: "token ID",
  iss: "issuer",
  iat: "issued at",
  rat: "renewable at",
  exp: "expires at",
  aud: "audience",
  usg: "usage (Client: user or service account, Server: dedicated server)",
  sid: "session ID",
  sat: "signed at",
  sub: "account ID",
  aun: "name",
  rtk: "kind (true: refresh token)",
  pce: "pce",
  ubiservices_uid: "Ubisoft account ID",
  refresh_aud: "refresh audience (of the access tokens it yields)",
  limit_type: "limit type",
  nbf: "not before",
  scopes: "OAuth scopes",
};
const TIME_CLAIMS = new Set(["iat", "rat", "exp", "sat", "nbf"]);
/** Answers bigger than this are not searched for tokens (a panel must stay responsive). */
const MAX_BODY_CHARS = 2_000_000;
/** A HAR file bigger than this is refused with a message (it would freeze the page). */
export const MAX_HAR_BYTES = 50 * 1024 * 1024;
const TOKEN_KEYS = ["accessToken", "refreshToken", "access_token", "refresh_token"];

/** Accepts a bare token, "nadeo_v1 t=…", "Bearer …", or a whole "Authorization: …" line. */
export function extractToken(text) {
  return text
    .trim()
    .replace(/^authorization\s*:\s*/i, "")
    .replace(/^nadeo_v1\s+t=/i, "")
    .replace(/^bearer\s+/i, "")
    .trim();
}

export const fmtTime = (s) => (s == null ? "—" : `${new Date(s * 1000).toLocaleString()} (${s})`);

export function fmtSpan(seconds) {
  if (!Number.isFinite(seconds)) return "never";
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return `${h ? `${h} h ` : ""}${m ? `${m} min ` : ""}${s % 60} s`;
}

/** The tokens one request/answer carries: `Authorization: nadeo_v1 t=…` and `Bearer …` request
 *  headers, and the token fields of a JSON answer. `entry` is a HAR entry; `body` the answer's
 *  text when known. Returns [{ token, source, url }]. */
export function tokensOfEntry(entry, body) {
  const url = String(entry?.request?.url ?? "");
  const found = [];
  for (const h of entry?.request?.headers ?? []) {
    if (String(h?.name).toLowerCase() !== "authorization" || typeof h.value !== "string") continue;
    const m = /^(nadeo_v1\s+t=|bearer\s+)(\S+)$/i.exec(h.value.trim());
    if (m) found.push({ token: m[2], source: /^nadeo_v1/i.test(m[1]) ? "request: nadeo_v1" : "request: Bearer", url });
  }
  const text = typeof body === "string" ? body : entry?.response?.content?.text;
  if (typeof text === "string" && text.length <= MAX_BODY_CHARS && /^\s*\{/.test(text)) {
    let json;
    try {
      json = JSON.parse(text);
    } catch {}
    for (const key of TOKEN_KEYS) {
      if (typeof json?.[key] === "string") found.push({ token: json[key], source: `answer: ${key}`, url });
    }
  }
  return found;
}

/** Reads a HAR file's entries, or throws an Error whose message says plainly what is wrong. */
export function harEntries(text) {
  if (text.length > MAX_HAR_BYTES)
    throw new Error(`This HAR file is too large (over ${MAX_HAR_BYTES / 1024 / 1024} MB): save fewer requests.`);
  let har;
  try {
    har = JSON.parse(text);
  } catch {
    throw new Error("This is not a HAR file: it is not JSON. In DevTools, Network tab: “Save all as HAR”.");
  }
  const entries = har?.log?.entries;
  if (!Array.isArray(entries)) throw new Error("This is not a HAR file: it has no log.entries.");
  return entries;
}

/** What a row shows of a found token: its claims, times and warnings; or { error } for a
 *  string that is not a token (its NadeoAuthError code). */
export function describe(lib, { token, source, url }) {
  let host = "";
  try {
    host = new URL(url).host;
  } catch {}
  let decoded;
  try {
    decoded = lib.decodeToken(token);
  } catch (e) {
    return { token, source, url, host, error: e instanceof lib.NadeoAuthError ? e.code : String(e) };
  }
  const { header, payload } = decoded;
  const nadeo = payload.iss === "NadeoServices";
  const refresh = nadeo && payload.rtk === true;
  const times = lib.tokenTimes(payload);
  const warnings = [];
  if (times.expired) warnings.push({ level: "bad", text: "expired" });
  const sent = source.startsWith("request:");
  const toRefreshEndpoint = /\/v2\/authentication\/token\/refresh$/.test(url.split("?")[0]);
  if (sent && refresh && !toRefreshEndpoint)
    warnings.push({ level: "bad", text: "a refresh token sent as an access token" });
  const wanted = sent && !refresh ? safeAudience(lib, url) : null;
  if (wanted && nadeo && payload.aud !== wanted) {
    warnings.push({ level: "bad", text: `audience ${payload.aud}, but ${host} wants ${wanted} (the classic 401)` });
  }
  return {
    token,
    source,
    url,
    host,
    header,
    payload,
    times,
    warnings,
    kind: nadeo ? (refresh ? "Nadeo refresh" : "Nadeo access") : "OAuth or other JWT",
    audience: payload.aud ?? "",
    account: [payload.aun, payload.sub].filter((x) => x != null).join(" · "),
  };
}

function safeAudience(lib, url) {
  try {
    return lib.audienceForUrl(url);
  } catch {
    return null;
  }
}

function el(tag, props = {}, ...children) {
  const e = document.createElement(tag);
  Object.assign(e, props);
  e.append(...children);
  return e;
}

/** "2026-11-23 10:00 · in 12 min 3 s" for one of a token's times. */
function timeCell(at, inSeconds, passed) {
  if (at == null) return "—";
  return `${new Date(at * 1000).toLocaleTimeString()} · ${passed ? "passed" : `in ${fmtSpan(inSeconds)}`}`;
}

/** The list of found tokens: a table whose rows can be chosen (click or Enter), with live
 *  countdowns. Returns { element, add(row), update() }. */
export function tokenTable(onSelect) {
  const body = el("tbody");
  const table = el(
    "table",
    { className: "tokens" },
    el(
      "thead",
      {},
      el(
        "tr",
        {},
        ...["Host", "Audience", "Account", "Kind", "Issued", "Renewable", "Expires", "Warnings"].map((h) =>
          el("th", { scope: "col", textContent: h }),
        ),
      ),
    ),
    body,
  );
  const rows = [];
  function cells(r) {
    if (r.error) return [r.host || r.url, "", "", `not a token (${r.error})`, "", "", "", ""];
    const t = r.times;
    const now = Date.now() / 1000;
    return [
      r.host,
      r.audience,
      r.account,
      `${r.kind} · ${r.source}`,
      t.issuedAt == null ? "—" : new Date(t.issuedAt * 1000).toLocaleTimeString(),
      timeCell(t.refreshableAt, t.refreshableAt - now, t.refreshableAt != null && now >= t.refreshableAt),
      timeCell(t.expiresAt, t.expiresAt - now, t.expiresAt != null && now >= t.expiresAt),
      r.warnings.map((w) => w.text).join("; "),
    ];
  }
  function paint(tr, r) {
    const values = cells(r);
    tr.replaceChildren(...values.map((v) => el("td", { textContent: v })));
    const expired = r.times && r.times.expiresAt != null && Date.now() / 1000 >= r.times.expiresAt;
    tr.classList.toggle("expired", !!expired);
    tr.classList.toggle("warned", !!r.warnings?.length || !!r.error);
  }
  return {
    element: table,
    add(r) {
      const tr = el("tr", { tabIndex: 0 });
      tr.addEventListener("click", () => onSelect(r));
      tr.addEventListener("keydown", (e) => e.key === "Enter" && onSelect(r));
      paint(tr, r);
      body.append(tr);
      rows.push([tr, r]);
    },
    update() {
      for (const [tr, r] of rows) paint(tr, r);
    },
    get size() {
      return rows.length;
    },
  };
}

/** Every claim with plain labels, the times with a live countdown and a timeline, and the
 *  header: the inspector's view of one token. Returns { element, update }. */
export function detailsView(lib, token) {
  const { header, payload } = lib.decodeToken(token);
  const times = el("dl", { id: "times" });
  const elapsed = el("div", { id: "elapsed" });
  const ratMark = el("span", { id: "rat-mark", title: "renewable" });
  const timeline = el(
    "div",
    { className: "timeline", ariaHidden: "true" },
    el("div", { className: "bar" }, elapsed, ratMark),
    el(
      "div",
      { className: "ticks" },
      el("span", { textContent: "issued" }),
      el("span", { textContent: "renewable" }),
      el("span", { textContent: "expires" }),
    ),
  );
  const claims = el(
    "table",
    { id: "claims" },
    el(
      "thead",
      {},
      el("tr", {}, ...["Claim", "Meaning", "Value"].map((h) => el("th", { scope: "col", textContent: h }))),
    ),
    el(
      "tbody",
      {},
      ...Object.entries(payload).map(([k, v]) =>
        el(
          "tr",
          {},
          el("th", { scope: "row", textContent: k }),
          el("td", { textContent: MEANINGS[k] ?? "" }),
          el("td", { textContent: TIME_CLAIMS.has(k) && typeof v === "number" ? fmtTime(v) : JSON.stringify(v) }),
        ),
      ),
    ),
  );
  const element = el(
    "div",
    { className: "details" },
    el("h2", { textContent: "Times" }),
    timeline,
    times,
    el("h2", { textContent: "Claims" }),
    claims,
    el("h2", { textContent: "Header" }),
    el("pre", { id: "header", textContent: JSON.stringify(header, null, 2) }),
  );
  function update() {
    const t = lib.tokenTimes(payload);
    const item = (k, v) => [el("dt", { textContent: k }), el("dd", { textContent: v })];
    times.replaceChildren(
      ...item("Issued", fmtTime(t.issuedAt)),
      ...item(
        "Renewable",
        t.refreshableAt == null
          ? "any time"
          : `${fmtTime(t.refreshableAt)} · ${t.refreshable ? "now" : `in ${fmtSpan(t.refreshableIn)}`}`,
      ),
      ...item(
        "Expires",
        t.expiresAt == null
          ? "never (no exp)"
          : `${fmtTime(t.expiresAt)} · ${t.expired ? "expired" : `in ${fmtSpan(t.expiresIn)}`}`,
      ),
    );
    const start = t.issuedAt ?? t.expiresAt;
    const span = t.expiresAt != null && start != null ? t.expiresAt - start : 0;
    const now = Date.now() / 1000;
    elapsed.style.width = span > 0 ? `${Math.min(100, Math.max(0, ((now - start) / span) * 100))}%` : "0";
    ratMark.style.left = span > 0 && t.refreshableAt != null ? `${((t.refreshableAt - start) / span) * 100}%` : "-10px";
  }
  update();
  return { element, update };
}
