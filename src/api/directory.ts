/**
 * The directory search (SPEC §4.7): suppliers, the products of every catalogue (of the open
 * purchases for anyone; of past ones, once each, for members), and members' offers and wants, found by exact, wildcard (`veg*`, `*vegetables`) and fuzzy match (a
 * typo like "vegetalbes" finds "organic-vegetables"), ranked; and each member's matches (others'
 * offers for their wants, others' wants for their offers). The index is built from the state with
 * MiniSearch; accents and case are folded (Italian text: "càffe" finds "caffè"). Not part of the fold.
 */
import MiniSearch from 'minisearch'
import type { GroupState, Purchase } from '../fold/state.js'
import type { MemberId } from '../ids.js'

/** One thing the search found. */
export interface SearchHit {
  /** `product`: in an open purchase's catalogue; `past-product`: only in the catalogue of a closed or failed one (the latest such purchase). */
  kind: 'supplier' | 'product' | 'past-product' | 'offer' | 'want'
  /** The supplier's id, the purchase id, or the member's id. */
  id: string
  title: string
  /** Where it comes from: a supplier's categories, the purchase's name, the member's name. */
  detail: string
  /** The member who offers or wants it (listings only). */
  member: MemberId | null
  score: number
}

interface Doc { id: number, kind: SearchHit['kind'], ref: string, title: string, detail: string, member: MemberId | null, text: string }

/** Folds case and accents: "Caffè" → "caffe". */
export function fold (text: string): string {
  return text.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase()
}

/** Every searchable thing of the state; listings and past catalogues only when `listings` (members' own data). */
function documents (s: GroupState, listings: boolean): Doc[] {
  const docs: Doc[] = []
  const add = (d: Omit<Doc, 'id'>): void => { docs.push({ ...d, id: docs.length }) }
  for (const x of [...s.suppliers.values()].sort((a, b) => (a.id < b.id ? -1 : 1))) add({ kind: 'supplier', ref: x.id, title: x.name, detail: x.categories.join(', '), member: null, text: `${x.name} ${x.categories.join(' ')} ${x.notes ?? ''}` })
  for (const p of [...s.purchases.values()].sort((a, b) => (a.id < b.id ? -1 : 1))) {
    if (p.phase !== 'open' || p.order === undefined) continue
    for (const x of p.order.products.values()) add({ kind: 'product', ref: p.id, title: x.name, detail: p.name, member: null, text: `${x.name} ${x.category ?? ''} ${x.description ?? ''} ${x.key}` })
  }
  if (listings) {
    // Past catalogues, newest purchase first (the purchases' order is the act order, the same on
    // every node): each product once per supplier (or once among purchases naming none), and not
    // when an open purchase has it.
    const seen = new Set<string>()
    const same = (name: string, p: Purchase): string => `${fold(name)}\u0000${fold(p.supplier ?? '')}`
    for (const p of s.purchases.values()) if (p.phase === 'open' && p.order !== undefined) for (const x of p.order.products.values()) seen.add(same(x.name, p))
    for (const p of [...s.purchases.values()].reverse()) {
      if (p.phase === 'open' || p.order === undefined) continue
      for (const x of p.order.products.values()) {
        if (seen.has(same(x.name, p))) continue
        seen.add(same(x.name, p))
        add({ kind: 'past-product', ref: p.id, title: x.name, detail: p.name, member: null, text: `${x.name} ${x.category ?? ''} ${x.description ?? ''} ${x.key}` })
      }
    }
    for (const [m, l] of [...s.listings].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
      const name = s.members.get(m)?.name ?? m.slice(0, 8)
      for (const o of l.offers) add({ kind: 'offer', ref: m, title: o, detail: name, member: m, text: o })
      for (const w of l.wants) add({ kind: 'want', ref: m, title: w, detail: name, member: m, text: w })
    }
  }
  return docs
}

/**
 * Words that say nothing of what is offered or wanted: Italian and English articles, prepositions
 * (simple, joined with an article, and cut before an apostrophe: `dell'orto`) and conjunctions, folded. Left out of the index and of
 * queries, so that "miele di castagno" is not matched to "passata di pomodoro" by its "di".
 */
const STOP_WORDS = new Set([
  'il', 'lo', 'la', 'i', 'gli', 'le', 'l', 'un', 'uno', 'una', 'di', 'a', 'da', 'in', 'con', 'su', 'per', 'tra', 'fra',
  'del', 'dello', 'della', 'dei', 'degli', 'delle', 'al', 'allo', 'alla', 'ai', 'agli', 'alle', 'dal', 'dallo', 'dalla',
  'dai', 'dagli', 'dalle', 'nel', 'nello', 'nella', 'nei', 'negli', 'nelle', 'sul', 'sullo', 'sulla', 'sui', 'sugli',
  'sulle', 'dell', 'all', 'dall', 'nell', 'sull', 'col', 'coi', 'e', 'ed', 'o', 'od',
  'the', 'an', 'of', 'and', 'or', 'to', 'for', 'with', 'on', 'at', 'from', 'by'
])

/** The words of `text` a search matches on: folded, split at what is not a letter, a digit or `*`, without {@link STOP_WORDS}. */
const tokens = (text: string): string[] => fold(text).split(/[^\p{L}\p{N}*]+/u).filter((t) => t !== '' && !STOP_WORDS.has(t))

/**
 * Whether `word` matches `glob`, whose `*` stands for any run of characters: one pass with a
 * return to the last `*` on a mismatch, at most length × length steps. (A regular expression of
 * `.*` per star backtracked exponentially: 34 stars and a letter held the node for 47 s.)
 */
export function globMatch (glob: string, word: string): boolean {
  let g = 0
  let w = 0
  let star = -1
  let mark = 0
  while (w < word.length) {
    if (g < glob.length && glob[g] === '*') {
      star = g++
      mark = w
    } else if (g < glob.length && glob[g] === word[w]) {
      g++
      w++
    } else if (star >= 0) {
      g = star + 1
      w = ++mark
    } else return false
  }
  while (g < glob.length && glob[g] === '*') g++
  return g === glob.length
}

/** Wildcard terms (`veg*`, `*tables`, `o*ic`) against the words of each document; a hit scores 1 per term matched. */
function wildcard (docs: Doc[], terms: string[]): Map<number, number> {
  const globs = terms.map((t) => t.replace(/\*+/g, '*'))
  const out = new Map<number, number>()
  for (const d of docs) {
    const words = tokens(d.text).flatMap((w) => [w, ...w.split('-')])
    const n = globs.filter((g) => words.some((w) => globMatch(g, w))).length
    if (n === globs.length) out.set(d.id, n)
  }
  return out
}

/** A state's documents and, once a fuzzy search asked for it, their MiniSearch index. */
interface Indexed { docs: Doc[], index: MiniSearch<Doc> | null }

/**
 * Documents and indexes per state, for as long as the state lives: a replay's state never
 * changes, and a state folded further in place (tests) counts more acts, which drops them.
 * `matches` searches once per offer and want, and the page asks on every live update.
 */
const built = new WeakMap<GroupState, { acts: number, indexed: Map<boolean, Indexed> }>()

function indexed (s: GroupState, listings: boolean): Indexed {
  const acts = s.appliedCount + s.rejectedCount
  let entry = built.get(s)
  if (entry === undefined || entry.acts !== acts) built.set(s, (entry = { acts, indexed: new Map() }))
  let x = entry.indexed.get(listings)
  if (x === undefined) entry.indexed.set(listings, (x = { docs: documents(s, listings), index: null }))
  return x
}

function indexOf (x: Indexed): MiniSearch<Doc> {
  if (x.index === null) {
    x.index = new MiniSearch<Doc>({ fields: ['title', 'text', 'detail'], storeFields: [], processTerm: (t) => (STOP_WORDS.has(fold(t)) ? null : stem(fold(t))), tokenize: (t) => fold(t).split(/[^\p{L}\p{N}'’-]+/u).flatMap(partsAndJoined).filter((w) => w !== '') })
    x.index.addAll(x.docs)
  }
  return x.index
}

/**
 * The parts of a word written with apostrophes or hyphens, and the parts joined: `sant'agostino`
 * is found as `sant`, `agostino` and `santagostino` (typed without the apostrophe on a phone),
 * `bio-dinamico` as `biodinamico` too.
 */
function partsAndJoined (word: string): string[] {
  const parts = word.split(/['’-]+/)
  return parts.length > 1 ? [...parts, parts.join('')] : parts
}

/**
 * A folded word without the vowel an Italian noun ends in, so that singular and plural are one
 * word (`mela`/`mele`, `uovo`/`uova`, `vino`/`vini`): a word of four letters or more ending in
 * `a`, `e`, `i` or `o`. Index and query alike; no typo is allowed in such short words (FUZZY).
 */
function stem (word: string): string {
  return word.length >= 4 && /[aeio]$/.test(word) ? word.slice(0, -1) : word
}

/**
 * How many typos a word of the query may hold: a quarter of its letters, none in a word of four
 * letters or fewer (one edit there finds other words: `uova` would find `nuova`).
 */
const FUZZY = (term: string): number | false => (term.length <= 4 ? false : 0.25)

/**
 * Searches the directory for `query`; listings are searched when `listings` (a member or an admin
 * asks). Every word must match, unless `any` (matches) or nothing matches them all.
 */
export function search (s: GroupState, query: string, listings: boolean, limit = 50, any = false): SearchHit[] {
  const x = indexed(s, listings)
  const docs = x.docs
  const terms = tokens(query)
  if (terms.length === 0 || docs.length === 0) return []
  const hit = (d: Doc, score: number): SearchHit => ({ kind: d.kind, id: d.ref, title: d.title, detail: d.detail, member: d.member, score })
  if (terms.some((t) => t.includes('*'))) {
    return [...wildcard(docs, terms)].sort((a, b) => b[1] - a[1] || a[0] - b[0]).slice(0, limit).map(([i, score]) => hit(docs[i], score))
  }
  const index = indexOf(x)
  const found = any ? [] : index.search(terms.join(' '), { prefix: true, fuzzy: FUZZY, boost: { title: 2 }, combineWith: 'AND' })
  const results = found.length > 0 ? found : index.search(terms.join(' '), { prefix: true, fuzzy: FUZZY, boost: { title: 2 }, combineWith: 'OR' })
  return results.slice(0, limit).map((r) => hit(docs[r.id as number], Math.round(r.score * 100) / 100))
}

/** A member's matches: others' offers for each of their wants, others' wants for each of their offers. */
export function matches (s: GroupState, member: MemberId, limit = 20): Array<{ for: string, kind: 'want' | 'offer', hits: SearchHit[] }> {
  const l = s.listings.get(member)
  if (l === undefined) return []
  const out: Array<{ for: string, kind: 'want' | 'offer', hits: SearchHit[] }> = []
  for (const w of l.wants) out.push({ for: w, kind: 'want', hits: search(s, w, true, limit, true).filter((h) => h.member !== member && (h.kind === 'offer' || h.kind === 'product' || h.kind === 'past-product' || h.kind === 'supplier')) })
  for (const o of l.offers) out.push({ for: o, kind: 'offer', hits: search(s, o, true, limit, true).filter((h) => h.member !== member && h.kind === 'want') })
  return out.filter((m) => m.hits.length > 0)
}
