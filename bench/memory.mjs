// make bench, part 4: the wasm memory stays flat. 10⁶ decodes, 10⁵ NadeoClients created and
// freed, 10⁴ more created and dropped (the garbage collector frees them through wasm-bindgen's
// finalizers), 10⁴ network calls (a login answered 500, a lookup answered 200), twice: the second round must not grow the memory past the first's. Run with
// --expose-gc. (10⁵ clients left to the GC at once also end flat, but their finalization
// takes minutes: see docs/benchmarks.md.)
import { pathToFileURL } from "node:url";

const pkg = new URL("../pkg/", import.meta.url).pathname;
// The entry is one bundle that keeps its instance to itself: catch the instance as the entry
// makes it (synchronously, with new WebAssembly.Instance) and find its memory by what it is
// (export names are minified in the package).
let memory;
const Instance = WebAssembly.Instance;
WebAssembly.Instance = function (module, imports) {
  const instance = new Instance(module, imports);
  memory ??= Object.values(instance.exports).find((v) => v instanceof WebAssembly.Memory);
  return instance;
};
const lib = await import(pathToFileURL(`${pkg}index-node.js`).href);
WebAssembly.Instance = Instance;
const kib = () => memory.buffer.byteLength / 1024;
const settle = async () => {
  for (let i = 0; i < 5; i++) {
    globalThis.gc?.();
    await new Promise((r) => setTimeout(r, 20));
  }
};

const b64 = (s) => Buffer.from(s).toString("base64url");
const token = `${b64('{"alg":"HS256"}')}.${b64('{"iat":1735394983,"rat":1735396783,"exp":1735398583,"aud":"NadeoLiveServices","aun":"svc"}')}.c2ln`;
const options = { login: "svc_login", password: "pw", userAgent: "bench / bench@example.com" };

const rows = [["start", kib()]];
for (const round of [1, 2]) {
  for (let i = 0; i < 1_000_000; i++) lib.decodeToken(token);
  await settle();
  rows.push([`round ${round}: after 10⁶ decodes`, kib()]);
  for (let i = 0; i < 100_000; i++) new lib.NadeoClient(options).free();
  rows.push([`round ${round}: after 10⁵ clients created and freed`, kib()]);
  for (let i = 0; i < 10_000; i++) new lib.NadeoClient(options);
  await settle();
  rows.push([`round ${round}: after 10⁴ clients created and dropped to the GC`, kib()]);
  for (let i = 0; i < 5_000; i++) {
    await lib.loginBasic({ ...options, fetch: async () => new Response("{}", { status: 500 }) }).catch(() => {});
    await lib.displayNames(["a"], {
      accessToken: "t",
      userAgent: options.userAgent,
      fetch: async () => new Response('{"a":"b"}'),
    });
  }
  await settle();
  rows.push([`round ${round}: after 10⁴ network calls`, kib()]);
}
console.log(
  `\nwasm memory (Node ${process.version}${globalThis.gc ? "" : ", no --expose-gc: clients are freed when the GC runs"})`,
);
console.log("| after | wasm memory KiB |");
console.log("| --- | ---: |");
for (const [what, size] of rows) console.log(`| ${what} | ${size.toFixed(0)} |`);
const [, first] = rows[4];
const [, last] = rows[rows.length - 1];
console.log(
  last <= first
    ? "flat: the second round did not grow the memory"
    : `GREW by ${(last - first).toFixed(0)} KiB in the second round`,
);
