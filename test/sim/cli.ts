// `npm run sim -- --seeds N [--from S] [--steps K] [--all-sizes] [--check-resume]`: a longer run of the simulation. Prints one
// line per failing seed (to add to test/sim/regressions.json) and a JSON summary; exit 1 on failure.
import { Command } from 'commander'
import { sweep } from './seeds.js'

const o = new Command('sim')
  .option('--seeds <n>', 'number of seeds', '2000')
  .option('--from <seed>', 'first seed', '1')
  .option('--steps <n>', 'random steps per seed', '120')
  .option('--all-sizes', 'groups from 2 admins, any admin may vanish, members recover the group')
  .option('--check-resume', 'also compare every resumed replay with one from scratch, and check it left the one it resumed unchanged (slower)')
  .parse().opts<{ seeds: string, from: string, steps: string, allSizes?: boolean, checkResume?: boolean }>()
const count = Number(o.seeds)
const steps = Number(o.steps)
let done = 0
const s = sweep(Number(o.from), count, steps, (r) => {
  done++
  if (r.violation !== null) console.log(`FAIL seed ${r.seed} steps ${steps}${o.allSizes === true ? ' all-sizes' : ''}: ${r.violation}`)
  if (done % 500 === 0) console.error(`${done}/${count} seeds`)
}, o.allSizes === true, o.checkResume === true)
console.log(JSON.stringify({ seeds: s.seeds, steps, allSizes: o.allSizes === true, checkResume: o.checkResume === true, failures: s.failures.map((f) => f.seed), finalActs: s.acts, events: s.events, ms: s.ms }))
process.exit(s.failures.length === 0 ? 0 : 1)
