// Calls the Worker's /api/nadeo and shows the answer and the client's stats.
const $ = (id) => document.getElementById(id);
let calls = 0;

async function call() {
  const res = await fetch("/api/nadeo");
  const out = await res.json();
  calls++;
  $("calls").textContent = String(calls);
  if (out.stats) {
    $("logins").textContent = String(out.stats.logins);
    $("refreshes").textContent = String(out.stats.refreshes);
    $("failures").textContent = String(out.stats.failures);
  }
  if (out.fleet) {
    for (const k of ["requests", "logins", "refreshes", "failures"]) $(`fleet-${k}`).textContent = String(out.fleet[k]);
  }
  $("answer").textContent = JSON.stringify(out.body ?? out, null, 2);
}

$("call").addEventListener("click", call);
$("five").addEventListener("click", async () => {
  for (let i = 0; i < 5; i++) await call();
});
