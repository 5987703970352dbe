/**
 * Long pure computations cut into slices (issue 18 item 5, SPEC §8: the event loop never stalls
 * for more than 50 ms). A computation is written once, as a generator that yields between small
 * steps and returns its result; {@link drain} runs it at once (tests, the CLI, a cold start), and
 * {@link drainInSlices} gives the event loop a turn whenever a slice of work has passed (a node
 * writing its checkpoint while it serves). The result is the same either way: the generator
 * decides what it computes, the driver only when.
 */
import { setImmediate as turn } from 'node:timers/promises'

/** A computation in steps: yields (nothing) between steps, returns its result. */
export type Steps<T> = Generator<void, T, void>

/**
 * What runs a computation in steps: {@link drain} (at once) or {@link drainInSlices} (giving the
 * event loop turns); the result is the same.
 */
export type Drive = <T>(steps: Steps<T>) => T | Promise<T>

/** Runs `steps` to the end, without pausing; returns its result. */
export function drain<T> (steps: Steps<T>): T {
  for (;;) {
    const r = steps.next()
    if (r.done === true) return r.value
  }
}

/** Work (ms) done before {@link drainInSlices} gives the event loop a turn. */
export const SLICE_MS = 10

/**
 * Runs `steps` to the end, giving the event loop a turn (setImmediate) whenever `sliceMs` of work
 * has passed since the last; resolves to its result. The clock read here only decides when to
 * pause, never what is computed. Whatever `steps` reads must not change meanwhile.
 */
export async function drainInSlices<T> (steps: Steps<T>, sliceMs = SLICE_MS): Promise<T> {
  let since = performance.now()
  for (;;) {
    const r = steps.next()
    if (r.done === true) return r.value
    if (performance.now() - since >= sliceMs) {
      await turn()
      since = performance.now()
    }
  }
}

/**
 * The drive of a node (NodeOptions.oneShot, src/node/types.ts): {@link drain} for a node opened
 * for one command, which serves nobody; {@link drainInSlices} for a serving node, so a long
 * computation (a state hash, a checkpoint's encoding) never holds its event loop.
 */
export const driveOf = (oneShot: boolean): Drive => oneShot ? drain : drainInSlices
