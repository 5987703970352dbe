#!/usr/bin/env -S node --max-semi-space-size=16
// The hypergas CLI; the TypeScript sources are compiled to dist/ by `npm run build` (which `npm test`,
// `npm run demo` and `npm pack` run first; docs/decisions.md, "No prepare script").
// The flag caps V8's young generation at 16 MB per semi-space: by default it grows to 64 MB
// and stays there, ~100 MB resident a node never gives back (docs/performance.md, issue 18).
// V8's compiled modules are kept between runs (start-up time) in the user's own cache
// directory, not a shared /tmp where another user could plant them; none when it cannot be
// made (Node 24 spins on a cache directory it cannot create).
import fs from 'node:fs'
import module from 'node:module'
import os from 'node:os'
import path from 'node:path'
try {
  const cache = path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'hypergas', 'v8')
  fs.mkdirSync(cache, { recursive: true, mode: 0o700 })
  module.enableCompileCache?.(cache)
} catch {}
await import('../dist/src/cli/main.js')
