// A tiny assertion library that runs the same in Node, workerd and browsers.
export class AssertionError extends Error {}

const show = (v) => {
  try {
    return typeof v === "string"
      ? JSON.stringify(v.length > 200 ? v.slice(0, 200) + "…" : v)
      : (JSON.stringify(v) ?? String(v));
  } catch {
    return String(v);
  }
};

export function ok(value, message = "expected a truthy value") {
  if (!value) throw new AssertionError(message);
}

export function equal(actual, expected, message = "") {
  if (!Object.is(actual, expected)) {
    throw new AssertionError(`${message ? message + ": " : ""}expected ${show(expected)}, got ${show(actual)}`);
  }
}

function deepEq(a, b) {
  if (Object.is(a, b)) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => Object.hasOwn(b, k) && deepEq(a[k], b[k]));
}

export function deepEqual(actual, expected, message = "") {
  if (!deepEq(actual, expected)) {
    throw new AssertionError(`${message ? message + ": " : ""}expected ${show(expected)}, got ${show(actual)}`);
  }
}

/** Runs fn, expects a NadeoAuthError with `code`; returns the error. */
export function throwsCode(lib, fn, code, message = "") {
  let threw = false;
  let err;
  try {
    fn();
  } catch (e) {
    threw = true;
    err = e;
  }
  if (!threw) throw new AssertionError(`${message ? message + ": " : ""}expected ${code}, nothing thrown`);
  if (!(err instanceof lib.NadeoAuthError)) {
    throw new AssertionError(`${message ? message + ": " : ""}expected a NadeoAuthError, got ${String(err)}`);
  }
  equal(err.code, code, message || "error code");
  return err;
}
