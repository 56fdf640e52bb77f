// A TokenStore shared by several clients the way Cloudflare KV is: each client reads its own
// writes at once and the others' only `lagS` seconds later, on a clock the test moves.
//
//   const kv = laggingStore(() => clock.now, 60);
//   new lib.NadeoClient({ ..., store: kv.view("a") });   // one view per isolate
export function laggingStore(now, lagS) {
  const writes = new Map(); // key -> [{ value, at, by }], oldest first
  return {
    writes,
    view(name) {
      return {
        get(key) {
          const seen = (writes.get(key) ?? []).filter((w) => w.by === name || w.at + lagS <= now());
          return seen.length ? seen[seen.length - 1].value : null;
        },
        put(key, value) {
          const list = writes.get(key) ?? [];
          list.push({ value, at: now(), by: name });
          writes.set(key, list.slice(-20));
        },
      };
    },
  };
}
