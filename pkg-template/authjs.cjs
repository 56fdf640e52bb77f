// require("nadeo-auth/authjs"): the ES module's default export as `exports.default` (what
// TypeScript and bundlers read for a default export), or a clear error on a Node too old.
"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.default = require("./require-esm.cjs")(() => require("./authjs.js")).default;
