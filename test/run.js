// Runs every compiled test file with brittle and ends with one line "N passed, N failed"
// (counted in assertions' tests), so a run that executed no test is visible.
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'

const dir = path.join(import.meta.dirname, '..', 'dist', 'test')
const only = process.argv.slice(2)
const files = fs.readdirSync(dir, { recursive: true }).filter((f) => f.endsWith('.test.js')).filter((f) => only.length === 0 || only.some((o) => f.includes(o))).sort().map((f) => path.relative(process.cwd(), path.join(dir, f)))
const brittle = path.join(import.meta.dirname, '..', 'node_modules', 'brittle', 'brittle-node.js')
let passed = 0
let failed = 0
for (const f of files) {
  const r = spawnSync(process.execPath, [brittle, '--timeout', '300000', f], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 28 })
  process.stdout.write(r.stdout)
  const m = /# tests = (\d+)\/(\d+) pass/.exec(r.stdout)
  const ok = m === null ? 0 : Number(m[1])
  const total = m === null ? 1 : Number(m[2])
  passed += ok
  failed += total - ok
  if (r.status !== 0 && ok === total) failed++
}
console.log(`\n${passed} passed, ${failed} failed`)
process.exit(failed === 0 && passed > 0 ? 0 : 1)
