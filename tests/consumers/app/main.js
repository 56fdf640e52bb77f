// The consumer's program: prints the check as JSON in a runtime, or leaves it on the page
// (data-result) in a browser, where the test reads it.
import { check } from "./check.js";

const result = JSON.stringify(check());
if (typeof document === "undefined") console.log(result);
else document.body.dataset.result = result;
