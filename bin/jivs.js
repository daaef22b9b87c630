#!/usr/bin/env -S node --max-semi-space-size=4 --heap-growing-percent=40
// The `jivs` executable: runs the compiled CLI (`npm run build`, done by `npm ci` through "prepare").
// The V8 flags keep the heap of a streaming run small: batches die young, and the old generation grows
// by 40 % instead of up to 4× between collections. Measured with `npm run bench` (see bench/).
import '../dist/cli/main.js';
