// Drives the mock Nadeo service over HTTP (so tests inside workerd can use it too).
export function mockClient(origin) {
  const call = async (what, args) => {
    const res = await fetch(`${origin}/__control/${what}`, { method: "POST", body: args ? JSON.stringify(args) : "" });
    return res.json();
  };
  return {
    origin,
    coreUrl: `${origin}/core`,
    liveUrl: `${origin}/live`,
    meetUrl: `${origin}/meet`,
    fail: (route, mode, times = 1) => call("fail", { route, mode, times }),
    setNow: (now) => call("now", { now }),
    reset: () => call("reset"),
    heal: () => call("heal"),
    release: () => call("release"),
    stats: () => call("stats"),
    log: () => call("log"),
  };
}
