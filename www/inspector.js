// The token inspector: decodes in the page with nadeo-auth/token; sends the token nowhere.
// A pasted token, or every token of a HAR file (DevTools → Network → Save all as HAR), read
// and shown by tokens.js, the code the DevTools panel of extension/ uses too.
import * as lib from "nadeo-auth/token";
import { describe, detailsView, extractToken, harEntries, tokenTable, tokensOfEntry } from "./tokens.js";

const $ = (id) => document.getElementById(id);
const input = $("token");
let current = null; // { token, view }
let timer = 0;

function warn(text, kind = "") {
  const div = document.createElement("div");
  div.className = `warning ${kind}`;
  div.textContent = text;
  $("warnings").append(div);
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
  let view;
  try {
    view = detailsView(lib, token);
  } catch (e) {
    $("result").hidden = true;
    status.className = "error";
    status.textContent =
      e instanceof lib.NadeoAuthError ? `Not a valid token: ${e.code} (${e.message})` : `Error: ${e}`;
    return;
  }
  const { payload } = lib.decodeToken(token);
  current = { token, view };
  status.textContent = "Decoded in this page.";
  $("warnings").replaceChildren();
  const isNadeo = payload.iss === "NadeoServices";
  if (!isNadeo) warn("Not a Nadeo token (issuer is not NadeoServices): maybe a Trackmania OAuth token.", "");
  else
    warn(
      `Nadeo ${payload.rtk ? "refresh" : "access"} token for ${payload.aun ?? "?"} (${payload.sub ?? "?"}), audience ${payload.aud}${payload.refresh_aud ? `, refreshes ${payload.refresh_aud}` : ""}.`,
      "ok",
    );
  if (lib.tokenTimes(payload).expired) warn("This token has expired.", "bad");
  $("details").replaceChildren(view.element);
  $("result").hidden = false;
  timer = setInterval(view.update, 1000);
}

input.addEventListener("input", show);
$("copy").addEventListener("click", async () => {
  if (!current) return;
  try {
    await navigator.clipboard.writeText(lib.nadeoAuthorization(current.token));
    $("copied").textContent = "Copied.";
  } catch {
    $("copied").textContent = "The clipboard is not available here.";
  }
});

// A HAR file: every token of its requests and answers, in a table; a row opens above.
let harTimer = 0;
$("har").addEventListener("change", async () => {
  const file = $("har").files?.[0];
  clearInterval(harTimer);
  $("har-list").replaceChildren();
  const status = $("har-status");
  status.className = "";
  if (!file) return (status.textContent = "");
  let entries;
  try {
    if (file.size > 50 * 1024 * 1024) throw new Error("This HAR file is too large (over 50 MB): save fewer requests.");
    entries = harEntries(await file.text());
  } catch (e) {
    status.className = "error";
    status.textContent = e.message;
    return;
  }
  const table = tokenTable((row) => {
    input.value = row.token;
    show();
    input.scrollIntoView({ behavior: "smooth", block: "start" });
  });
  for (const entry of entries) for (const found of tokensOfEntry(entry)) table.add(describe(lib, found));
  status.textContent = table.size
    ? `${table.size} token${table.size > 1 ? "s" : ""} in ${entries.length} requests, read in this page. Choose a row to see every claim.`
    : `No Nadeo or Trackmania token in these ${entries.length} requests.`;
  if (table.size) $("har-list").append(table.element);
  harTimer = setInterval(table.update, 1000);
});
show();
