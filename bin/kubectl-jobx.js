#!/usr/bin/env node
// The same jobx under kubectl's plugin name: with this on PATH, `kubectl jobx apply …`
// runs jobx with the arguments that follow (kubectl passes them through unchanged).
require("./jobx.js");
