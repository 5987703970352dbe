// The feeds a node follows (src/node/ingest/feeds.ts) with a store whose cores fail to open, as
// Hypercore's do on a damaged store: the node reports the error once and does not hang. Unit
// test with stand-in cores (the real ones are in test/fork.test.ts and the integration tests).
import { EventEmitter } from 'node:events'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import test from 'brittle'
import type Corestore from 'corestore'
import { Graph } from '../src/merge/graph.js'
import { Feeds } from '../src/node/ingest/feeds.js'
import type { MemberId } from '../src/ids.js'

const FEED = 'ab'.repeat(32) as MemberId

/** A stand-in for a Hypercore session: it opens, or fails to as Hypercore does (it emits 'close', then its ready() rejects). */
class StandIn extends EventEmitter {
  readonly key = Buffer.from(FEED, 'hex')
  closed = false
  length = 0
  contiguousLength = 0
  peers = []
  private readonly opening: Promise<void>
  constructor (fails: boolean) {
    super()
    this.opening = fails
      ? Promise.resolve().then(() => { this.closed = true; this.emit('close'); throw new Error('Blob CRC mismatch') })
      : Promise.resolve()
    this.opening.catch(() => {})
  }

  async ready (): Promise<void> { await this.opening }
  download (): void {}
}

/** Feeds over a store whose every `get` makes a stand-in that fails when `fails()` says so. */
function feedsOver (fails: () => boolean): { feeds: Feeds, gets: () => number, errors: string[], cores: StandIn[] } {
  const cores: StandIn[] = []
  // Past 5 sessions the store stops failing: a loop of reopenings ends, and the test fails on the count instead of hanging.
  const store = { get: () => { const c = new StandIn(cores.length < 5 && fails()); cores.push(c); return c } } as unknown as Corestore
  const errors: string[] = []
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hypergas-feeds-'))
  const graph = new Graph()
  const feeds = new Feeds({ store, dir, graph: () => graph, forks: [], now: () => 0, closed: () => false, changed: () => {}, invalid: () => {}, fork: () => {}, error: (e) => errors.push(e.message) })
  return { feeds, gets: () => cores.length, errors, cores }
}

const settle = async (): Promise<void> => await new Promise((resolve) => setTimeout(resolve, 100))

test('a feed whose core cannot open (a damaged store) is reported once, not opened again for ever', async (t) => {
  const { feeds, gets, errors } = feedsOver(() => true)
  feeds.open(FEED)
  await settle()
  t.is(gets(), 1, 'opened once: the close of a session that never opened is not a fork to reopen after')
  t.alike(errors, ['Blob CRC mismatch'], 'its error reaches the node once')
  await feeds.close()
})

test('a feed whose open session closes (Hypercore closes it on a fork) is opened again, once', async (t) => {
  let failing = false
  const { feeds, gets, errors, cores } = feedsOver(() => failing)
  feeds.open(FEED)
  await settle()
  cores[0].emit('close')
  await settle()
  t.is(gets(), 2, 'opened again after the close')
  t.is(feeds.get(FEED), cores[1] as never, 'the new session is the one followed')
  // The store then fails: the second session's close after a failed open is reported, not retried.
  failing = true
  cores[1].emit('close')
  await settle()
  t.is(gets(), 3)
  t.alike(errors, ['Blob CRC mismatch'])
  await feeds.close()
})
