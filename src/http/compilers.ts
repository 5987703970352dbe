/**
 * Fastify's route validators (Ajv, through @fastify/ajv-compiler) and response serializers
 * (@fastify/fast-json-stringify-compiler) built when a route first needs them, not when the
 * server starts (issue 18 item 4, SPEC §8 cold start). Fastify builds them all on `ready`:
 * loading Ajv, compiling its meta-schema, then one validator per route schema took ~0.1 s of
 * a node's start before its ready line. The same compilers do the work, with the same options,
 * so requests are validated exactly as before.
 *
 * After the ready line {@link LazyCompilers.warm} builds the rest one per turn of the event
 * loop, so that neither the first request nor the warm-up stalls the node for long.
 */
import { createRequire } from 'node:module'
import type { FastifyServerOptions } from 'fastify'

const require = createRequire(import.meta.url)

/** A compiled validator as fastify calls it: true when `data` is valid, else false with `errors`. */
interface Validate { (data: unknown): unknown, errors?: unknown }
/** A validator or serializer compiler of one server, as fastify calls it: one route's schema → its function. */
type Compile<F> = (route: { schema: unknown }) => F
/** What the compiler packages export: a factory of per-server compilers (their external schemas, options). */
type Factory<F> = (externalSchemas: unknown, options: unknown) => Compile<F>

/** The compiler factories fastify takes (`schemaController.compilersFactory`), lazy. */
export type CompilersFactory = NonNullable<NonNullable<FastifyServerOptions['schemaController']>['compilersFactory']>

/** The lazy compilers of one fastify server. */
export class LazyCompilers {
  /** Builds of routes' functions not yet made, in the order fastify asked for them. */
  private readonly unbuilt: Array<() => void> = []
  /** The compiler packages some route will need, loaded first by the warm-up (one turn each). */
  private readonly packages = new Set<string>()
  private warming = false

  /** For `Fastify({ schemaController: { compilersFactory } })`. */
  readonly compilersFactory: CompilersFactory = {
    buildValidator: this.lazy<Validate>('@fastify/ajv-compiler', (build) => {
      const validate: Validate = (data) => {
        const real = build()
        const ok = real(data)
        validate.errors = real.errors
        return ok
      }
      return validate
    }) as unknown as CompilersFactory['buildValidator'],
    buildSerializer: this.lazy<(doc: unknown) => string>('@fastify/fast-json-stringify-compiler', (build) => (doc) => build()(doc)) as unknown as CompilersFactory['buildSerializer']
  }

  /**
   * A factory that loads package `name` (its default export is a factory of factories) the first
   * time a route's function is needed; `wrap` gives fastify a function that builds the real one
   * (`build`, memoised) on its first call.
   */
  private lazy<F> (name: string, wrap: (build: () => F) => F): Factory<F> {
    return (externalSchemas, options) => {
      let compile: Compile<F> | null = null
      return (route) => {
        let real: F | null = null
        const build = (): F => {
          if (real !== null) return real
          compile ??= (require(name) as () => Factory<F>)()(externalSchemas, options)
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

  /** Routes' functions not built yet (for tests). */
  get unbuiltCount (): number {
    return this.unbuilt.length
  }

  /**
   * Loads the compilers the routes need, then builds every route's function not built yet, one
   * per turn of the event loop. Loading Ajv is the longest turn (~40 ms). Errors are left for
   * the route's first request to meet.
   */
  warm (): void {
    if (this.warming) return
    this.warming = true
    const loads = [...this.packages].map((name) => () => { require(name) })
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
