// require("nadeo-auth/authjs"): the ES module, or a clear error on a Node too old to load it.
"use strict";
module.exports = require("./require-esm.cjs")(() => require("./authjs.js"));
