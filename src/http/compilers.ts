/**
 * Fastify's route validators (Ajv, through @fastify/ajv-compiler) and response serializers
 * (@fastify/fast-json-stringify-compiler) built when a route first needs them, not when the
 * server starts (issue 18 item 4, SPEC §8 cold start). Fastify builds them all on `ready`:
 * loading Ajv, compiling its meta-schema, then one validator per route schema took ~0.1 s of
 * a node's start before its ready line. The compiler packages are the ones fastify itself
 * loads (resolved from fastify's own directory), with the options it passes, one instance per
 * package as fastify keeps, so requests are validated and answered as before.
 *
 * After the ready line {@link LazyCompilers.warm} loads the packages, then builds the rest one
 * per turn of the event loop, so that neither the first request nor the warm-up stalls the node
 * for long. {@link LazyCompilers.buildAll} builds everything at once and throws what fastify
 * would have thrown at `ready` (the tests call it: a bad schema must not wait for a request).
 *
 * Header schemas are refused (at `ready`): fastify lower-cases their property names only for
 * its own compilers, so with these a mixed-case header name would never match.
 */
import { createRequire } from 'node:module'
import type { FastifyServerOptions } from 'fastify'

/** Loads a package as fastify would (from fastify's directory): the compilers it depends on. */
const fastifyRequire = createRequire(createRequire(import.meta.url).resolve('fastify'))

/** A compiled validator as fastify calls it (src: fastify lib/validation.js). */
interface Validate {
  /** True when `data` is valid, else false with `errors`; `ctx` lets Ajv write a coerced value back. */
  (data: unknown, ctx?: unknown): unknown
  errors?: unknown
  /** Set by Ajv: fastify then passes `ctx` (`parentData`, `parentDataProperty`). */
  readonly schemaEnv?: unknown
}
/** The route a compiler is asked for (fastify's RouteDefinition): its schema and the part it checks. */
interface RouteSchema { schema: unknown, httpPart?: string }
/** A validator or serializer compiler of one schema controller: one route's schema → its function. */
type Compile<F> = (route: RouteSchema) => F
/** A compiler package's selector (its default export, called once): per controller, a compiler. */
type Selector<F> = (externalSchemas: unknown, options: unknown) => Compile<F>

/** The compiler factories fastify takes (`schemaController.compilersFactory`), lazy. */
export type CompilersFactory = NonNullable<NonNullable<FastifyServerOptions['schemaController']>['compilersFactory']>

/** The lazy compilers of one fastify server. */
export class LazyCompilers {
  /** Builds of routes' functions not yet made, in the order fastify asked for them. */
  private readonly unbuilt: Array<() => void> = []
  /** The compiler packages some route will need, loaded first by the warm-up (one turn each). */
  private readonly packages = new Set<string>()
  /** Each package's selector, made once: its pool shares one Ajv per options, as fastify's does. */
  private readonly selectors = new Map<string, Selector<unknown>>()
  private warming = false

  /** For `Fastify({ schemaController: { compilersFactory } })`. */
  readonly compilersFactory: CompilersFactory = {
    buildValidator: this.lazy<Validate>('@fastify/ajv-compiler', (build) => {
      const validate: Validate = (data, ctx) => {
        const real = build()
        const ok = real(data, ctx)
        validate.errors = real.errors
        return ok
      }
      // Read by fastify at validation time only: the real validator is built then, not before.
      Object.defineProperty(validate, 'schemaEnv', { get: () => build().schemaEnv })
      return validate
    }) as unknown as CompilersFactory['buildValidator'],
    buildSerializer: this.lazy<(doc: unknown) => string>('@fastify/fast-json-stringify-compiler', (build) => (doc) => build()(doc)) as unknown as CompilersFactory['buildSerializer']
  }

  /**
   * A factory of compilers that load package `name` the first time a route's function is
   * needed; `wrap` gives fastify a function that builds the real one (`build`, memoised) on its
   * first call.
   * @throws Error (at `ready`) for a header schema
   */
  private lazy<F> (name: string, wrap: (build: () => F) => F): Selector<F> {
    return (externalSchemas, options) => {
      let compile: Compile<F> | null = null
      return (route) => {
        if (route.httpPart === 'headers') throw new Error('hypergas: header schemas are not supported with lazy compilers (fastify lower-cases them only for its own)')
        let real: F | null = null
        const build = (): F => {
          if (real !== null) return real
          compile ??= (this.selector(name) as Selector<F>)(externalSchemas, options)
          real = compile(route)
          const i = this.unbuilt.indexOf(pending)
          if (i >= 0) this.unbuilt.splice(i, 1)
          return real
        }
        const pending = (): void => { build() }
        this.unbuilt.push(pending)
        this.packages.add(name)
        return wrap(build)
      }
    }
  }

  /** The selector of package `name`, loaded and made once. */
  private selector (name: string): Selector<unknown> {
    let s = this.selectors.get(name)
    if (s === undefined) this.selectors.set(name, (s = (fastifyRequire(name) as () => Selector<unknown>)()))
    return s
  }

  /** Routes' functions not built yet (for tests). */
  get unbuiltCount (): number {
    return this.unbuilt.length
  }

  /**
   * Builds every route's function now.
   * @throws Error what the compiler throws for the first schema it cannot build (as `ready`
   *   would with fastify's own compilers)
   */
  buildAll (): void {
    while (this.unbuilt.length > 0) this.unbuilt[0]()
  }

  /**
   * Loads the compilers the routes need, then builds every route's function not built yet, one
   * per turn of the event loop. Loading Ajv is the longest turn (~40 ms). A schema that does
   * not build is left for its route's requests to meet (they get fastify's 500); the tests
   * build every schema of the server ({@link buildAll}).
   */
  warm (): void {
    if (this.warming) return
    this.warming = true
    const loads = [...this.packages].map((name) => () => { this.selector(name) })
    const next = (): void => {
      const step = loads.shift() ?? this.unbuilt[0]
      if (step === undefined) return
      try {
        step()
      } catch {
        const i = this.unbuilt.indexOf(step)
        if (i >= 0) this.unbuilt.splice(i, 1)
      }
      setImmediate(next).unref()
    }
    setImmediate(next).unref()
  }
}
