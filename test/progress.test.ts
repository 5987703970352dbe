// Issue 6: the sync progress figures (pure).
import test from 'brittle'
import { progressBar, syncPercent, syncProgress } from '../src/node/network/progress.js'

test('progress: received of known, per feed and per peer', (t) => {
  const p = syncProgress([
    { feed: 'bb', local: 10, usable: 9, peers: { p1: 40, p2: 10 } },
    { feed: 'aa', local: 5, usable: 5, peers: { p1: 5 } }
  ])
  t.alike(p.feeds.map((f) => [f.feed, f.received, f.known]), [['aa', 5, 5], ['bb', 10, 40]], 'known = the most any peer has')
  t.alike(p.peers, [{ peer: 'p1', received: 15, known: 45 }, { peer: 'p2', received: 10, known: 10 }])
  t.is(p.received, 15)
  t.is(p.known, 45)
  t.is(p.synced, false)
  t.alike([progressBar(p, 10), syncPercent(p)], ['[###-------]', 33])
})

test('progress: a node ahead of its peers, or with no peer, is synced', (t) => {
  const p = syncProgress([{ feed: 'aa', local: 7, usable: 7, peers: { p1: 3 } }, { feed: 'bb', local: 2, usable: 2, peers: {} }])
  t.is(p.synced, true)
  t.is(p.received, 9)
  t.is(p.peers[0].received, 3, 'of what the peer has, everything is here')
  t.alike([progressBar(syncProgress([]), 4), syncPercent(syncProgress([]))], ['[####]', 100])
})
