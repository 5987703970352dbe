// Route validators built on first use (src/http/compilers.ts): a server with them answers every
// request exactly as fastify's own eager compilers do, before and after the warm-up, and builds
// nothing until a request or the warm-up needs it.
import test from 'brittle'
import Fastify, { type FastifyInstance } from 'fastify'
import { LazyCompilers } from '../src/http/compilers.js'

/** A server with a querystring schema (coerced types), a params schema, a body schema and a response schema. */
function server (compilers: LazyCompilers | null): FastifyInstance {
  const app = Fastify(compilers === null ? {} : { schemaController: { compilersFactory: compilers.compilersFactory } })
  app.get('/log', { schema: { querystring: { type: 'object', additionalProperties: false, properties: { offset: { type: 'integer', minimum: 0, default: 0 }, limit: { type: 'integer', minimum: 1, maximum: 500, default: 50 }, all: { type: 'boolean' } } } } }, async (req) => req.query)
  app.get('/members/:ref', { schema: { params: { type: 'object', properties: { ref: { type: 'string', pattern: '^[0-9a-f]{4,64}$' } } } } }, async (req) => req.params)
  app.post('/acts', { schema: { body: { type: 'object', required: ['acts'], additionalProperties: false, properties: { acts: { type: 'array', minItems: 1, maxItems: 3, items: { type: 'object', required: ['type'] } } } } } }, async (req) => req.body)
  // Ajv coerces a whole body (a number into an array of one, a string into an integer): fastify
  // writes it back through the validator's second argument.
  app.post('/list', { schema: { body: { type: 'array', items: { type: 'integer' } } } }, async (req) => req.body)
  app.post('/count', { schema: { body: { type: 'integer' } } }, async (req) => ({ count: req.body, type: typeof req.body }))
  // The response's serializer writes only the fields its schema names.
  app.post('/shape', { schema: { response: { 200: { type: 'object', properties: { a: { type: 'integer' } } } } } }, async () => ({ a: 1, secret: 'x' }))
  return app
}

const REQUESTS: Array<{ method: 'GET' | 'POST', url: string, payload?: unknown }> = [
  { method: 'GET', url: '/log' },
  { method: 'GET', url: '/log?offset=3&limit=7' },
  { method: 'GET', url: '/log?limit=0' },
  { method: 'GET', url: '/log?limit=abc' },
  { method: 'GET', url: '/log?all=true&offset=1' },
  { method: 'GET', url: '/log?extra=1' },
  { method: 'GET', url: '/members/abcd' },
  { method: 'GET', url: '/members/XYZ' },
  { method: 'POST', url: '/acts', payload: { acts: [{ type: 'Deposit' }] } },
  { method: 'POST', url: '/acts', payload: { acts: [] } },
  { method: 'POST', url: '/acts', payload: { acts: [{ cents: 1 }] } },
  { method: 'POST', url: '/acts', payload: { acts: [{ type: 'A' }, { type: 'B' }, { type: 'C' }, { type: 'D' }] } },
  { method: 'POST', url: '/acts', payload: { acts: [{ type: 'A' }], more: true } },
  { method: 'POST', url: '/acts', payload: 'not json' },
  { method: 'POST', url: '/shape' },
  { method: 'POST', url: '/list', payload: 5 },
  { method: 'POST', url: '/list', payload: [1, '2'] },
  { method: 'POST', url: '/list', payload: ['x'] },
  { method: 'POST', url: '/count', payload: '7' },
  { method: 'POST', url: '/count', payload: 7.5 }
]

/** Every request's status and body. */
async function answers (app: FastifyInstance): Promise<string[]> {
  const out: string[] = []
  for (const r of REQUESTS) {
    const payload = r.payload === undefined || typeof r.payload === 'string' && r.url === '/acts' ? r.payload : JSON.stringify(r.payload)
    const res = await app.inject({ method: r.method, url: r.url, payload: payload as string | undefined, headers: r.payload === undefined ? {} : { 'content-type': 'application/json' } })
    out.push(`${r.method} ${r.url} ${res.statusCode} ${res.body}`)
  }
  return out
}

const turns = async (n: number): Promise<void> => { for (let i = 0; i < n; i++) await new Promise((resolve) => setImmediate(resolve)) }

test('lazy validators answer as fastify\'s own, built by the first request or the warm-up', async (t) => {
  const eager = server(null)
  await eager.ready()
  const expected = await answers(eager)
  t.ok(expected.some((a) => / 400 /.test(a)) && expected.some((a) => / 200 /.test(a)), 'the requests include refusals and acceptances')
  t.ok(expected.includes('GET /log?offset=3&limit=7 200 {"offset":3,"limit":7}'), 'the querystring is coerced to integers')
  t.ok(expected.includes('POST /shape 200 {"a":1}'), 'the response holds only what its schema names')
  t.ok(expected.includes('POST /list 200 [5]') && expected.includes('POST /count 200 {"count":7,"type":"number"}'), 'a whole body is coerced')

  const compilers = new LazyCompilers()
  const lazy = server(compilers)
  await lazy.ready()
  // Seven validators (five routes, and the HEAD routes fastify adds for the two GET routes) and a serializer.
  t.is(compilers.unbuiltCount, 8, 'ready built none of the validators and serializers')
  t.alike(await answers(lazy), expected, 'the same answers, each validator built by its route\'s first request')
  t.is(compilers.unbuiltCount, 2, 'the routes asked were built, the HEAD routes not')

  const warmed = new LazyCompilers()
  const app = server(warmed)
  await app.ready()
  warmed.warm()
  warmed.warm() // a second call starts no second warm-up
  await turns(2)
  t.is(warmed.unbuiltCount, 8, 'the warm-up loads each compiler in a turn of its own')
  await turns(1)
  t.is(warmed.unbuiltCount, 7, 'then builds one route\'s function per turn of the event loop')
  await turns(10)
  t.is(warmed.unbuiltCount, 0, 'then the rest')
  t.alike(await answers(app), expected, 'the same answers after the warm-up')
  await Promise.all([eager.close(), lazy.close(), app.close()])
})

test('lazy compilers: a header schema is refused when the server gets ready', async (t) => {
  // Fastify lower-cases a header schema's names only for its own compilers: with these, a
  // required 'X-Token' would refuse every request that sends it.
  const compilers = new LazyCompilers()
  const app = Fastify({ schemaController: { compilersFactory: compilers.compilersFactory } })
  app.get('/h', { schema: { headers: { type: 'object', required: ['X-Token'], properties: { 'X-Token': { type: 'string' } } } } }, async () => 'ok')
  await t.exception(app.ready(), /header schemas are not supported/)
})

test('lazy compilers: buildAll throws what a bad schema throws, as ready would with fastify\'s own', async (t) => {
  const compilers = new LazyCompilers()
  const app = Fastify({ schemaController: { compilersFactory: compilers.compilersFactory } })
  app.get('/bad', { schema: { querystring: { type: 'object', properties: { n: { type: 'nonsense' } } } } }, async () => 'ok')
  await app.ready()
  t.exception(() => { compilers.buildAll() }, 'the bad schema is found without a request')
  const eager = Fastify()
  eager.get('/bad', { schema: { querystring: { type: 'object', properties: { n: { type: 'nonsense' } } } } }, async () => 'ok')
  await t.exception(eager.ready(), 'fastify\'s own compilers refuse it at ready')
  await app.close()
})
