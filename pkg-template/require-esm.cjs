// What index-node.cjs and token-node.cjs share: `require()` of an entry's ES module. Node 20.19+ (and
// Bun, Deno) load it themselves; an older Node cannot, and is told so in a NadeoAuthError-shaped
// error (code UNSUPPORTED_RUNTIME) rather than ERR_REQUIRE_ESM.
"use strict";
module.exports = function requireEsm(load) {
  try {
    return load();
  } catch (e) {
    if (e && (e.code === "ERR_REQUIRE_ESM" || e.code === "ERR_REQUIRE_ASYNC_MODULE")) {
      const error = new Error(
        `nadeo-auth needs Node 20 or later (20.19 or later for require()); this is Node ${process.versions.node}. Use import, or a newer Node.`,
        { cause: e },
      );
      error.name = "NadeoAuthError";
      error.code = "UNSUPPORTED_RUNTIME";
      throw error;
    }
    throw e;
  }
};
