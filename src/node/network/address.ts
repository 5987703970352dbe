/**
 * Addresses typed by a person: a port, a DHT bootstrap node's `host:port`. Apart from
 * replicator.ts so that commands that only parse a port do not load Hyperswarm (start-up time).
 */
import { HypergasError } from '../../errors.js'

/**
 * Parses a port number typed by a person: 1–65535, or 0 too when `allowZero` (any free port).
 * @throws HypergasError BAD_ARGUMENT
 */
export function parsePort (text: string, what: string, allowZero = false): number {
  const port = Number(text)
  if (!/^\d{1,5}$/.test(text) || port > 65535 || (port === 0 && !allowZero)) throw new HypergasError('BAD_ARGUMENT', `${what} expects a port from ${allowZero ? 0 : 1} to 65535, got "${text}"`, { variant: allowZero ? 'portOrZero' : 'port', input: String(text).slice(0, 40) })
  return port
}

/**
 * Parses `host:port` (a DHT bootstrap node, as `hypergas dht` prints it).
 * @throws HypergasError BAD_ARGUMENT
 */
export function parseHostPort (s: string): { host: string, port: number } {
  const i = s.lastIndexOf(':')
  const bad = new HypergasError('BAD_ARGUMENT', `expected host:port (e.g. 192.168.1.20:49737, what "hypergas dht" prints), got "${s}"`, { variant: 'hostPort', input: s.slice(0, 40) })
  if (i <= 0) throw bad
  let port: number
  try { port = parsePort(s.slice(i + 1), 'host:port') } catch { throw bad }
  return { host: s.slice(0, i), port }
}
