#!/usr/bin/env node
// nadeo-auth on the command line (docs/cli.md): decode a token, print a usable
// Nadeo token or Authorization value for curl, look up display names. Everything is the
// package's own entry (./index-node.js): the CLI adds argument parsing, output and the cache
// (a fileStore of ./stores.js), never a second implementation of a rule. Tokens and the failure
// backoff live in the cache between runs, and its lock makes runs at once log in once, so a
// shell loop or a parallel one is as polite as a long-lived client.
//
// Exit status: 0 success, 1 a NadeoAuthError ("nadeo-auth: CODE: message" on standard error),
// 2 a usage error. Nothing secret is ever printed but the token asked for.
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { homedir } from "node:os";
import { join } from "node:path";
import { fileStore } from "./stores.js";

/** The command line's short names of the three hosts (PROTOCOL's table); any other name goes
 *  to the client as it is, whose audience rule (aliases included) is the wasm's. */
const HOSTS = { core: "NadeoServices", live: "NadeoLiveServices", meet: "NadeoLiveServices" };
const AUDIENCES_HELP = "NadeoServices, NadeoLiveServices, core, live or meet";

const HELP = {
  main: `Usage: nadeo-auth <command> [options]

Commands:
  decode [TOKEN]        show a token's header, claims and times (TOKEN, an Authorization line, or stdin)
  token AUDIENCE        print a usable Nadeo access token
  header AUDIENCE       print the whole "nadeo_v1 t=..." Authorization value
  names ACCOUNT_ID...   account IDs to display names (api.trackmania.com)
  ids DISPLAY_NAME...   display names to account IDs (api.trackmania.com)

Run "nadeo-auth <command> --help" for a command's options and environment.`,
  decode: `Usage: nadeo-auth decode [TOKEN | -] [--json]

Decodes a JWT without verifying it (Nadeo and Trackmania OAuth tokens alike) and shows its
header, every claim, and when it was issued, becomes renewable and expires, in local time.
TOKEN may be the bare token, "nadeo_v1 t=...", "Bearer ...", or a whole "Authorization: ..."
line; with "-" or no TOKEN it is read from standard input.

  --json    print { header, payload, times } (times as tokenTimes gives them)`,
  token: `Usage: nadeo-auth token AUDIENCE

Prints a usable access token for AUDIENCE (NadeoServices, NadeoLiveServices, or core, live,
meet) and nothing else. Logs in on first use; later runs reuse the cached token until it is
due, then refresh it; after a failure, runs fail fast until the backoff has passed.

Environment:
  NADEO_LOGIN, NADEO_PASSWORD   the service or dedicated server account (its login, not its ID)
  NADEO_USER_AGENT              your project and a contact, e.g. "my-tool / me@example.com"
  NADEO_CORE_URL, NADEO_LIVE_URL, NADEO_MEET_URL   other base URLs (proxies, tests)
  NADEO_AUTH_CACHE              the cache folder (default $XDG_CACHE_HOME/nadeo-auth or ~/.cache/nadeo-auth)

Example:
  curl -H "Authorization: $(nadeo-auth header live)" https://live-services.trackmania.nadeo.live/...`,
  names: `Usage: nadeo-auth names ACCOUNT_ID... [--json]

Prints "accountId<TAB>displayName" per account found (api.trackmania.com), with the app's
client-credentials token, cached between runs.

Environment:
  TM_CLIENT_ID, TM_CLIENT_SECRET   your api.trackmania.com app
  TM_API_URL                       another base URL (proxies, tests)
  NADEO_AUTH_CACHE                 the cache folder

  --json    print the answer as one JSON object`,
};
HELP.header = HELP.token
  .replace("nadeo-auth token AUDIENCE", "nadeo-auth header AUDIENCE")
  .replace(
    "Prints a usable access token for AUDIENCE",
    'Prints "nadeo_v1 t=<token>", the Authorization value, for AUDIENCE',
  );
HELP.ids = HELP.names
  .replace("names ACCOUNT_ID...", "ids DISPLAY_NAME...")
  .replace('"accountId<TAB>displayName" per account found', '"displayName<TAB>accountId" per name found');

/** A mistake in how the command was called: exit status 2. */
class UsageError extends Error {}

/** The environment variable `name`, which the command needs. */
function required(env, name, what) {
  const value = env[name];
  if (!value) throw new UsageError(`${name} is not set (${what})`);
  return value;
}

/** Accepts a bare token, "nadeo_v1 t=...", "Bearer ...", or a whole "Authorization: ..." line. */
function extractToken(text) {
  return text
    .trim()
    .replace(/^authorization\s*:\s*/i, "")
    .replace(/^(nadeo_v1\s+t=|bearer\s+)/i, "")
    .trim();
}

/** "in 41 min", "3 h 5 min ago", "in 12 s", "now" (minutes rounded to the nearest). */
function relative(seconds) {
  const s = Math.round(Math.abs(seconds));
  if (s === 0) return "now";
  const minutes = Math.round(s / 60);
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  const span = s < 60 ? `${s} s` : h ? `${h} h${m ? ` ${m} min` : ""}` : `${m} min`;
  return seconds > 0 ? `in ${span}` : `${span} ago`;
}

const localTime = (s) => new Date(s * 1000).toLocaleString();

function decodeView(lib, token, nowS) {
  const { header, payload } = lib.decodeToken(token);
  const times = lib.tokenTimes(token, { now: nowS });
  const lines = [`header  ${JSON.stringify(header)}`, "payload"];
  const width = Math.max(...Object.keys(payload).map((k) => k.length), 3);
  for (const [claim, value] of Object.entries(payload)) {
    const shown = typeof value === "string" ? value : JSON.stringify(value);
    const when =
      ["iat", "rat", "exp", "nbf", "sat"].includes(claim) && typeof value === "number" ? `  (${localTime(value)})` : "";
    lines.push(`  ${claim.padEnd(width)}  ${shown}${when}`);
  }
  const at = (label, s, word = relative) =>
    s == null ? null : `  ${label.padEnd(11)}${localTime(s)} (${word(s - nowS)})`;
  lines.push(
    "times",
    ...[
      at("issued", times.issuedAt),
      at("renewable", times.refreshableAt),
      at("expires", times.expiresAt, (d) => (times.expired ? `expired ${relative(d)}` : relative(d))),
    ].filter(Boolean),
  );
  if (times.expiresAt == null) lines.push(`  ${"expires".padEnd(11)}never (no exp claim)`);
  return { header, payload, times, text: lines.join("\n") };
}

function readStdin() {
  try {
    return readFileSync(0, "utf8");
  } catch {
    return "";
  }
}

async function decode(lib, args, io) {
  const { values, positionals } = parseArgs({
    args,
    options: { json: { type: "boolean" }, help: { type: "boolean", short: "h" } },
    allowPositionals: true,
  });
  if (values.help) return io.out(HELP.decode);
  if (positionals.length > 1) throw new UsageError("decode takes one token (quote an Authorization line)");
  let input = positionals[0];
  if (input === undefined || input === "-") {
    if (input === undefined && io.stdinIsTTY) throw new UsageError("give a token, or pipe one in");
    input = readStdin();
  }
  const view = decodeView(lib, extractToken(input), io.now() / 1000);
  io.out(
    values.json
      ? JSON.stringify({ header: view.header, payload: view.payload, times: view.times }, null, 2)
      : view.text,
  );
}

async function nadeoToken(lib, command, args, io) {
  const { values, positionals } = parseArgs({
    args,
    options: { help: { type: "boolean", short: "h" } },
    allowPositionals: true,
  });
  if (values.help) return io.out(HELP[command]);
  if (positionals.length !== 1) throw new UsageError(`${command} takes one AUDIENCE: ${AUDIENCES_HELP}`);
  const audience = HOSTS[positionals[0]] ?? positionals[0];
  const env = io.env;
  const client = new lib.NadeoClient({
    login: required(env, "NADEO_LOGIN", "the account's login"),
    password: required(env, "NADEO_PASSWORD", "the account's password"),
    userAgent: required(env, "NADEO_USER_AGENT", 'your project and a contact, e.g. "my-tool / me@example.com"'),
    coreUrl: env.NADEO_CORE_URL || undefined,
    liveUrl: env.NADEO_LIVE_URL || undefined,
    meetUrl: env.NADEO_MEET_URL || undefined,
    store: fileStore(cacheDir(env)),
    now: io.now,
  });
  try {
    const token = await client.accessToken(audience).catch((e) => {
      // The client refuses an unknown audience before sending anything: a usage error here.
      if (e?.code === "INVALID_ARGUMENT" && e.message.startsWith("the audience"))
        throw new UsageError(`unknown audience "${positionals[0]}": ${AUDIENCES_HELP}`);
      throw e;
    });
    io.out(command === "header" ? lib.nadeoAuthorization(token) : token);
  } finally {
    client.free?.();
  }
}

/** The cache: a fileStore (nadeo-auth/stores) in NADEO_AUTH_CACHE, else
 *  $XDG_CACHE_HOME/nadeo-auth, else ~/.cache/nadeo-auth. Its lock makes runs at once log in
 *  once between them. */
function cacheDir(env) {
  return env.NADEO_AUTH_CACHE || join(env.XDG_CACHE_HOME || join(homedir(), ".cache"), "nadeo-auth");
}

/** The app's client-credentials token: the cached one while it has a minute left, else a new
 *  grant, cached for its lifetime. `fresh` skips the cache (the cached one was refused). */
async function appToken(lib, io, fresh) {
  const env = io.env;
  const clientId = required(env, "TM_CLIENT_ID", "your api.trackmania.com app's identifier");
  const clientSecret = required(env, "TM_CLIENT_SECRET", "your api.trackmania.com app's secret");
  const apiUrl = env.TM_API_URL || undefined;
  const store = fileStore(cacheDir(env));
  const key = `nadeo-auth:v1:tm-app:${clientId}`;
  if (!fresh) {
    try {
      const cached = JSON.parse((await store.get(key)) ?? "null");
      if (typeof cached?.accessToken === "string" && cached.expiresAt - 60 > io.now() / 1000)
        return { accessToken: cached.accessToken, cached: true };
    } catch {}
  }
  const tokens = await lib.clientCredentials({ clientId, clientSecret, apiUrl });
  try {
    await store.put(key, JSON.stringify({ accessToken: tokens.accessToken, expiresAt: tokens.expiresAt }), {
      expirationTtl: tokens.expiresIn,
    });
  } catch {} // an unwritable cache costs a grant next run, nothing more
  return { accessToken: tokens.accessToken, cached: false };
}

async function lookup(lib, command, args, io) {
  const { values, positionals } = parseArgs({
    args,
    options: { json: { type: "boolean" }, help: { type: "boolean", short: "h" } },
    allowPositionals: true,
  });
  if (values.help) return io.out(HELP[command]);
  if (positionals.length === 0)
    throw new UsageError(
      command === "names" ? "names takes one or more account IDs" : "ids takes one or more display names",
    );
  const call = command === "names" ? lib.displayNames : lib.accountIds;
  const apiUrl = io.env.TM_API_URL || undefined;
  let token = await appToken(lib, io, false);
  let found;
  try {
    found = await call(positionals, { accessToken: token.accessToken, apiUrl });
  } catch (e) {
    // A cached token the API refused (revoked, or the app's secret changed): one new grant.
    if (!(token.cached && e?.code === "UNAUTHORIZED")) throw e;
    token = await appToken(lib, io, true);
    found = await call(positionals, { accessToken: token.accessToken, apiUrl });
  }
  io.out(
    values.json
      ? JSON.stringify(found, null, 2)
      : Object.entries(found)
          .map(([k, v]) => `${k}\t${v}`)
          .join("\n"),
  );
}

/** Runs one command line; returns the exit status. `io` is the process's, or a test's. */
async function main(argv, io) {
  const [command, ...args] = argv;
  let lib;
  try {
    if (command === undefined || command === "--help" || command === "-h" || command === "help") {
      io.out(HELP.main);
      return command === undefined ? 2 : 0;
    }
    if (!Object.hasOwn(HELP, command) || command === "main") throw new UsageError(`unknown command "${command}"`);
    lib = await import("./index-node.js");
    if (command === "decode") await decode(lib, args, io);
    else if (command === "token" || command === "header") await nadeoToken(lib, command, args, io);
    else await lookup(lib, command, args, io);
    return 0;
  } catch (e) {
    if (e instanceof UsageError || e?.code?.startsWith?.("ERR_PARSE_ARGS")) {
      io.err(
        `nadeo-auth: ${e.message}\nRun "nadeo-auth ${HELP[command] && command !== "main" ? `${command} ` : ""}--help" for usage.`,
      );
      return 2;
    }
    if (e?.name === "NadeoAuthError") {
      io.err(`nadeo-auth: ${e.code}: ${e.message}`);
      return 1;
    }
    io.err(`nadeo-auth: unexpected error: ${e?.message ?? e}`);
    return 1;
  }
}

const io = {
  env: process.env,
  now: Date.now,
  stdinIsTTY: Boolean(process.stdin.isTTY),
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(`${text}\n`),
};
process.exitCode = await main(process.argv.slice(2), io);
