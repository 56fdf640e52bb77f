// require("nadeo-auth/better-auth"): the ES module's export, or a clear error on a Node too old.
"use strict";
exports.trackmania = require("./require-esm.cjs")(() => require("./better-auth.js")).trackmania;
