// Loaded first (a plain script, so even a strict CSP runs it): an error thrown while the
// bundle loads is left on the page for the test, with its name and code.
addEventListener("error", (event) => {
  const e = event.error;
  document.body.dataset.error = JSON.stringify({
    name: e && e.name,
    code: e && e.code,
    message: e ? e.message : event.message,
  });
});
