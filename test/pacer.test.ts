// Issue 5: replays during a long sync are paced, and a replay put off runs when its interval ends
// even if no block arrives by then.
import test from 'brittle'
import { ReplayPacer } from '../src/node/ingest/pacer.js'

test('pacer: puts off replays while catching up, and wakes the node for the owed one', async (t) => {
  let now = 1000
  let woken = 0
  const pacer = new ReplayPacer(40, () => { woken++ }, () => now)
  t.absent(pacer.putOff(true), 'the first replay runs at once')
  pacer.replayed()
  t.absent(pacer.putOff(false), 'not catching up: no wait')
  now += 10
  t.ok(pacer.putOff(true), 'catching up 10 ms after a replay: put off')
  t.ok(pacer.owed && pacer.waiting, 'owed, with a wake-up set')
  t.ok(pacer.putOff(true), 'still put off')
  await new Promise((resolve) => setTimeout(resolve, 100))
  t.is(woken, 1, 'one wake-up for the owed replay')
  t.absent(pacer.waiting)
  now += 40
  t.absent(pacer.putOff(true), 'the interval is over: the replay runs')
  pacer.replayed()
  t.absent(pacer.owed)
  pacer.stop()
})

test('pacer: a long replay widens the interval to four times its duration', (t) => {
  let now = 0
  const pacer = new ReplayPacer(40, () => {}, () => now)
  const start = now
  now += 100 // a replay that took 100 ms
  pacer.replayed(start)
  now += 300
  t.ok(pacer.putOff(true), '300 ms later: still within 4 x 100 ms')
  pacer.stop()
  now += 101
  t.absent(pacer.putOff(true), '401 ms later: the replay runs')
})
