// The part of brittle's API the tests use (brittle ships no TypeScript types).
declare module 'brittle' {
  interface Assert {
    is (actual: unknown, expected: unknown, message?: string): void
    not (actual: unknown, expected: unknown, message?: string): void
    ok (value: unknown, message?: string): void
    absent (value: unknown, message?: string): void
    alike (actual: unknown, expected: unknown, message?: string): void
    unlike (actual: unknown, expected: unknown, message?: string): void
    exception: ((fn: unknown, expected?: unknown, message?: string) => Promise<void>) & { all: (fn: unknown, expected?: unknown, message?: string) => Promise<void> }
    execution (fn: unknown, message?: string): Promise<void>
    pass (message?: string): void
    fail (message?: string): void
    comment (message: string): void
    teardown (fn: () => unknown, opts?: { order?: number }): void
    timeout (ms: number): void
    plan (n: number): void
  }
  type TestFn = (t: Assert) => unknown
  interface Test {
    (name: string, fn: TestFn): void
    (name: string, opts: { timeout?: number, skip?: boolean }, fn: TestFn): void
    skip (name: string, fn: TestFn): void
  }
  const test: Test
  export default test
  export type { Assert }
}
