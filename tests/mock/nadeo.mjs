// A stand-in for the Nadeo auth service and game APIs, strict like PROTOCOL.md says the real
// one is: it checks every header and body, issues HS256 JWTs with the real claim set and
// lifetimes (access 1 h, rat at 30 min, refresh 24 h), accepts each refresh token once, and
// fails on demand (401, 403, 429 with Retry-After, 500, non-JSON, hang, 302, a dropped
// connection, any status with any Retry-After), once or any number of times.
//
//   const mock = await startNadeoMock();   // mock.coreUrl, mock.liveUrl, mock.meetUrl
//   mock.failNext("basic", 500);           // the next login answers 500
//   mock.failNext("basic", { status: 429, retryAfter: "120" }, 1e6);   // every login, for good
//   mock.setNow(1735394983);               // the mock's clock, in seconds (default: real time):
//                                          // its tokens' iat/exp, its Date headers, its checks
//   mock.stats                             // { basic, refresh, ubi, api } calls received
//
// One server plays the three hosts under path prefixes: /core (Core: auth + API), /live and
// /meet (API only). With `separateHosts: true` each host gets a server of its own at the root
// of its own port, so base URLs have no path, as the real ones (the client then keeps its
// routes per origin: the bench measures that case). Run it alone with
// `node tests/mock/nadeo.mjs [port]`.
import { createHmac, randomUUID } from "node:crypto";
import { json, listen, testControls } from "./server.mjs";

const b64url = (buf) => Buffer.from(buf).toString("base64url");

export async function startNadeoMock({
  port = 0,
  host = "127.0.0.1",
  accounts = { svc_login: { password: "pa:ss wörd 🏎", accountId: "5b4d42f4-c2de-407d-b367-cbff3fe817bc" } },
  tickets = { "UBI-TICKET": { accountId: "a59df3e8-6bff-48a2-98b6-801abf2a298e", name: "ubi_player" } },
  secret = randomUUID(),
  separateHosts = false,
} = {}) {
  let clock = null; // seconds, or null for real time
  const now = () => clock ?? Math.floor(Date.now() / 1000);
  const usedRefresh = new Set();
  const stats = { basic: 0, refresh: 0, ubi: 0, api: 0, rejected: 0 };
  const ctl = testControls(stats, {
    now: (args) => {
      clock = args.now ?? null;
    },
    reset: () => {
      clock = null;
    },
  });

  function sign(claims) {
    const head = b64url(JSON.stringify({ alg: "HS256", env: "trackmania-prod", ver: "1" }));
    const body = b64url(JSON.stringify(claims));
    const sig = createHmac("sha256", secret).update(`${head}.${body}`).digest("base64url");
    return `${head}.${body}.${sig}`;
  }

  function verify(token) {
    const parts = typeof token === "string" ? token.split(".") : [];
    if (parts.length !== 3) return null;
    const sig = createHmac("sha256", secret).update(`${parts[0]}.${parts[1]}`).digest("base64url");
    if (sig !== parts[2]) return null;
    try {
      return JSON.parse(Buffer.from(parts[1], "base64url").toString("utf8"));
    } catch {
      return null;
    }
  }

  function issue(accountId, name, audience, usage = "Client", iat = now()) {
    const sid = randomUUID();
    const base = {
      iss: "NadeoServices",
      iat,
      rat: iat + 1800,
      usg: usage,
      sid,
      sat: iat,
      sub: accountId,
      aun: name,
      pce: false,
    };
    const accessToken = sign({ jti: randomUUID(), ...base, exp: iat + 3600, aud: audience, rtk: false });
    const refreshToken = sign({
      jti: randomUUID(),
      ...base,
      exp: iat + 86400,
      aud: "NadeoServices",
      rtk: true,
      refresh_aud: audience,
      limit_type: "none",
    });
    return { accessToken, refreshToken };
  }

  const coreError = (res, status, message, code = "C-AA-00-03") =>
    json(res, status, { code, correlation_id: randomUUID().replace(/-/g, ""), message, info: {} });

  /** Applies an injected failure for the route, if one is queued. Returns true if it answered. */
  function injected(route, res) {
    const mode = ctl.take(route);
    if (mode === undefined) return false;
    switch (mode) {
      case "hang":
        ctl.hanging.add(res);
        return true;
      case "garbage":
        res.writeHead(200, { "content-type": "text/html" }).end("<html>upstream error</html>");
        return true;
      case "expired": // a pair already expired on the mock's own clock
        json(
          res,
          200,
          issue("5b4d42f4-c2de-407d-b367-cbff3fe817bc", "svc_login", "NadeoServices", "Client", now() - 7200),
        );
        return true;
      case "empty-200":
        json(res, 200, {});
        return true;
      case 302:
        res.writeHead(302, { location: "https://example.invalid/elsewhere" }).end();
        return true;
      case 429:
        json(
          res,
          429,
          { code: "C-AA-00-29", correlation_id: "0", message: "Too many requests.", info: {} },
          { "retry-after": "7" },
        );
        return true;
      case 401:
        coreError(res, 401, "Invalid credentials.", "C-AA-00-01");
        return true;
      case 403:
        coreError(res, 403, "Forbidden.", "C-AA-00-05");
        return true;
      case "huge": // a 10 MB answer
        res.writeHead(200, { "content-type": "application/json" }).end(Buffer.alloc(10 << 20, 0x20));
        return true;
      case "huge-endless": // 2 MB, then the answer never ends (no Content-Length)
        ctl.hanging.add(res);
        res.writeHead(200, { "content-type": "application/json" });
        res.write(Buffer.alloc(2 << 20, 0x20));
        return true;
      case "drop": // the network is down: the connection closes without an answer
        res.socket?.destroy();
        return true;
      case "live-403":
        json(res, 403, ["clubMemberRole:error-notMember"]);
        return true;
      default:
        // { status, retryAfter?, body? }: any status, with a Retry-After of the test's choice
        // (delta-seconds or an HTTP-date) and a Core error body.
        if (mode && typeof mode === "object") {
          const headers = mode.retryAfter === undefined ? {} : { "retry-after": String(mode.retryAfter) };
          json(
            res,
            mode.status,
            mode.body ?? { code: "C-AA-00-29", correlation_id: "0", message: `status ${mode.status}`, info: {} },
            headers,
          );
          return true;
        }
        if (typeof mode === "number") {
          res.writeHead(mode, { "content-type": "text/plain" }).end(`status ${mode}`);
          return true;
        }
        return false;
    }
  }

  function checkCommon(req, res, route) {
    const ua = req.headers["user-agent"];
    if (!ua || !ua.trim()) {
      stats.rejected++;
      coreError(res, 400, "There was a validation error.");
      return false;
    }
    if (req.method !== "POST" && route !== "api") {
      stats.rejected++;
      coreError(res, 405, "Method Not Allowed.");
      return false;
    }
    return true;
  }

  /** The JSON audience body of a login: absent means NadeoServices. */
  function audienceOf(req, body, res) {
    if (body === "") return "NadeoServices";
    if (req.headers["content-type"] !== "application/json") {
      coreError(res, 415, "Unsupported Media Type.");
      return null;
    }
    let parsed;
    try {
      parsed = JSON.parse(body);
    } catch {
      coreError(res, 400, "There was a validation error.");
      return null;
    }
    const aud = parsed?.audience ?? "NadeoServices";
    if (typeof parsed !== "object" || Array.isArray(parsed) || !["NadeoServices", "NadeoLiveServices"].includes(aud)) {
      coreError(res, 400, "There was a validation error.");
      return null;
    }
    return aud;
  }

  async function handle(req, res, body, url) {
    const path = url.pathname;
    const auth = req.headers.authorization ?? "";
    const route =
      path === "/core/v2/authentication/token/basic"
        ? "basic"
        : path === "/core/v2/authentication/token/refresh"
          ? "refresh"
          : path === "/core/v2/authentication/token/ubiservices"
            ? "ubi"
            : /^\/(core|live|meet)\//.test(path)
              ? "api"
              : null;
    if (path.startsWith("/__control/")) return ctl.handle(path.slice(11), body, res, () => ({ ...stats, now: now() }));
    ctl.record({ route, method: req.method, path: path + url.search, headers: { ...req.headers }, body });
    if (!route) return json(res, 404, { message: "Not Found" });
    stats[route]++;
    if (injected(route, res)) return;
    if (!checkCommon(req, res, route)) return;

    if (route === "basic") {
      const m = /^Basic ([A-Za-z0-9+/]+={0,2})$/.exec(auth);
      if (!m) return coreError(res, 401, "Invalid credentials.", "C-AA-00-01");
      const decoded = Buffer.from(m[1], "base64").toString("utf8");
      const i = decoded.indexOf(":");
      const login = decoded.slice(0, i);
      const password = decoded.slice(i + 1);
      const account = i > 0 ? accounts[login] : undefined;
      if (!account) return coreError(res, 401, "Username could not be found.", "C-AA-00-01");
      if (account.password !== password) return coreError(res, 401, "Invalid credentials.", "C-AA-00-01");
      const aud = audienceOf(req, body, res);
      if (!aud) return;
      return json(res, 200, issue(account.accountId, login, aud, account.usage ?? "Client"));
    }

    if (route === "ubi") {
      const m = /^ubi_v1 t=(.+)$/.exec(auth);
      const t = m && tickets[m[1]];
      if (!t) return coreError(res, 401, "Invalid ticket.", "C-AA-00-01");
      const aud = audienceOf(req, body, res);
      if (!aud) return;
      return json(res, 200, issue(t.accountId, t.name, aud));
    }

    if (route === "refresh") {
      const m = /^nadeo_v1 t=(.+)$/.exec(auth);
      const claims = m && verify(m[1]);
      if (!claims || claims.rtk !== true || claims.exp <= now() || usedRefresh.has(claims.jti)) {
        return coreError(res, 401, "Unauthorized.", "C-AA-00-01");
      }
      usedRefresh.add(claims.jti);
      return json(res, 200, issue(claims.sub, claims.aun, claims.refresh_aud, claims.usg));
    }

    // Game API: a valid access token of the host's audience.
    const want = path.startsWith("/core/") ? "NadeoServices" : "NadeoLiveServices";
    const m = /^nadeo_v1 t=(.+)$/.exec(auth);
    const claims = m && verify(m[1]);
    if (!claims || claims.rtk !== false || claims.exp <= now() || claims.aud !== want) {
      return want === "NadeoServices"
        ? coreError(res, 401, "Unauthorized.", "C-AA-00-01")
        : json(res, 401, ["unauthorized"]);
    }
    return json(res, 200, {
      ok: true,
      method: req.method,
      path: path + url.search,
      body,
      accountId: claims.sub,
      aud: claims.aud,
      // What the documentation's examples read (the official campaign's shape, cut down).
      ...(path === "/live/api/token/campaign/official" && { campaignList: [{ id: 104, name: "Winter 2027" }] }),
    });
  }

  const { origin, close: closeMain } = await listen(handle, { port, host, hanging: ctl.hanging, now });
  const bases = { core: `${origin}/core`, live: `${origin}/live`, meet: `${origin}/meet` };
  const closers = [closeMain];
  if (separateHosts) {
    for (const name of Object.keys(bases)) {
      // The host's root is the path prefix of the shared handler.
      const at = (req, res, body, url) =>
        handle(req, res, body, new URL(`/${name}${url.pathname}${url.search}`, "http://mock"));
      const own = await listen(at, { host, hanging: ctl.hanging, now });
      bases[name] = own.origin;
      closers.push(own.close);
    }
  }
  const close = () => Promise.all(closers.map((c) => c()));
  return {
    origin,
    coreUrl: bases.core,
    liveUrl: bases.live,
    meetUrl: bases.meet,
    stats,
    log: ctl.log,
    accounts,
    issue,
    verify,
    now,
    setNow(seconds) {
      clock = seconds;
    },
    failNext: ctl.fail,
    heal: ctl.heal,
    reset: ctl.reset,
    releaseHanging: ctl.release,
    close,
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const mock = await startNadeoMock({ port: Number(process.argv[2] ?? 0) });
  console.log(`nadeo mock: core ${mock.coreUrl}  live ${mock.liveUrl}  meet ${mock.meetUrl}`);
}
