#!/usr/bin/env -S node --max-semi-space-size=16
// The hypergas CLI; the TypeScript sources are compiled to dist/ by `npm install` (prepare).
// The flag caps V8's young generation at 16 MB per semi-space: by default it grows to 64 MB
// and stays there, ~100 MB resident a node never gives back (docs/performance.md, issue 18).
// The compile cache keeps V8's compiled modules on disk between runs (start-up time).
import module from 'node:module'
module.enableCompileCache?.()
await import('../dist/src/cli/main.js')
