// require("nadeo-auth/token"): the ES module entry, or a clear error on a Node too old to load it.
"use strict";
module.exports = require("./require-esm.cjs")(() => require("./token-node.js"));
