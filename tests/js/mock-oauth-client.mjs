// Drives the mock api.trackmania.com over HTTP (tests inside workerd use it too).
export function oauthMockClient(origin, clientId, clientSecret, user) {
  const control = async (what, args) => {
    const res = await fetch(`${origin}/__control/${what}`, { method: "POST", body: args ? JSON.stringify(args) : "" });
    return res.json();
  };
  return {
    origin,
    clientId,
    clientSecret,
    user,
    control,
    reset: () => control("reset"),
    /** The mock's clock in seconds (null: real time): its tokens, its checks, its Date. */
    setNow: (now) => control("now", { now }),
    stats: () => control("stats"),
    log: () => control("log"),
  };
}
