// The "Trackmania tokens" DevTools panel: watches the inspected page's traffic
// (chrome.devtools.network) and lists its tokens with tokens.js, the token inspector's code,
// on nadeo-auth/token. The tokens stay in this panel: no network, no storage.
import * as lib from "./nadeo-auth/token.js";
import { describe, detailsView, tokenTable, tokensOfEntry } from "./tokens.js";

const $ = (id) => document.getElementById(id);
let table;
let seen;
let detailsTimer = 0;

function select(row) {
  clearInterval(detailsTimer);
  if (row.error) return;
  const view = detailsView(lib, row.token);
  $("title").textContent = `${row.kind} token · ${row.host} · ${row.source}`;
  $("details").replaceChildren(view.element);
  $("result").hidden = false;
  detailsTimer = setInterval(view.update, 1000);
}

function reset() {
  table = tokenTable(select);
  seen = new Set();
  $("list").replaceChildren(table.element);
  $("result").hidden = true;
  count();
}

function count() {
  $("status").textContent = `${table.size} token${table.size === 1 ? "" : "s"} seen. Choose a row to see every claim.`;
}

/** One finished request: a row per token and host it carries (the same token sent to two
 *  hosts is two rows: one of them may be the wrong audience). */
function handle(entry, body) {
  for (const found of tokensOfEntry(entry, body)) {
    const row = describe(lib, found);
    const key = `${found.token}\n${row.host}\n${found.source}`;
    if (seen.has(key)) continue;
    seen.add(key);
    table.add(row);
  }
  count();
}

function watch(entry) {
  const type = entry.response?.content?.mimeType ?? "";
  if (typeof entry.getContent === "function" && /json/i.test(type)) entry.getContent((body) => handle(entry, body));
  else handle(entry);
}

reset();
$("clear").addEventListener("click", reset);
const network = globalThis.chrome?.devtools?.network;
if (!network) {
  $("status").textContent = "Open this panel from DevTools: it reads the inspected page's traffic.";
} else {
  network.getHAR?.((har) => har?.entries?.forEach(watch));
  network.onRequestFinished.addListener(watch);
}
setInterval(() => table.update(), 1000);
