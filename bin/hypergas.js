#!/usr/bin/env node
// The hypergas CLI; the TypeScript sources are compiled to dist/ by `npm install` (prepare).
import '../dist/src/cli/main.js'
