// esbuild injects this into the browser bundle: the shared act encoding uses Node's Buffer.
export { Buffer } from 'buffer'
