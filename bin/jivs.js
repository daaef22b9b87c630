#!/usr/bin/env node
// The `jivs` executable: runs the compiled CLI (`npm run build`, done by `npm ci` through "prepare").
import '../dist/cli/main.js';
