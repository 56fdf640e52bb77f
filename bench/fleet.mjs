// make bench, part 3: a fleet of two Workers (two isolates in workerd, Miniflare) against the
// local mock. Upstream auth calls for 2 Workers × N requests, each on its own, sharing a KV
// store, and with the NadeoTokenBroker Durable Object; then the added latency of a broker
// round trip. Runs in build/e2e (scripts/pack-e2e.sh installs the packed package there).
const e2e = new URL("../build/e2e/", import.meta.url);
const { startNadeoMock } = await import(new URL("mock/nadeo.mjs", e2e));
const { startFleet } = await import(new URL("fleet.mjs", e2e));

const T = 1_900_000_000;
const N = 100;
const rows = [];
for (const mode of ["alone", "kv", "broker"]) {
  const mock = await startNadeoMock();
  const fleet = await startFleet({ mock, password: "pa:ss wörd 🏎", mode, T });
  // N concurrent requests in each Worker before any login, N more later, then N once due.
  const burst = () => Promise.all([...Array(N)].flatMap(() => [fleet.get("a", "/token"), fleet.get("b", "/token")]));
  await burst();
  await burst();
  await fleet.clock(3400);
  await burst();
  rows.push([mode, mock.stats.basic, mock.stats.refresh]);
  if (mode === "broker") {
    const median = async (path) => {
      const ms = [];
      for (let i = 0; i < 200; i++) {
        const t0 = performance.now();
        await fleet.get("a", path);
        ms.push(performance.now() - t0);
      }
      return ms.sort((x, y) => x - y)[100];
    };
    const memory = await median("/token");
    const broker = await median("/fresh-token");
    rows.latency = [memory, broker];
  }
  await fleet.close();
  await mock.close();
}
console.log(
  `\nupstream auth calls of a fleet: 2 Workers × ${N} concurrent requests before any login, ${N} more, ${N} more once the token is due`,
);
console.log("| tokens kept | logins | refreshes |");
console.log("| --- | ---: | ---: |");
const names = {
  alone: "each isolate on its own",
  kv: "a KV store shared by the isolates",
  broker: "the NadeoTokenBroker Durable Object",
};
for (const [mode, logins, refreshes] of rows) console.log(`| ${names[mode]} | ${logins} | ${refreshes} |`);
const [memory, broker] = rows.latency;
console.log(
  `\nbroker round trip (workerd via Miniflare, median of 200): a request served from the isolate's memory ${memory.toFixed(2)} ms, one asking the broker ${broker.toFixed(2)} ms: +${(broker - memory).toFixed(2)} ms`,
);
