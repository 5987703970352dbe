/**
 * The refusal and receipt messages of the CLI (src/cli/messages-*.ts, the keys `e_…`, `skip_…` the reasons an import leaves a product out, `notApplied_…` what it did not apply, `f_…` the names of act fields, `r_…` and {@link RECEIPT_KEYS} an act's receipt) added to the page's
 * own, so that a refusal or a receipt reads the same on a phone as in a terminal, in Italian or English, less
 * the commands a phone has no terminal for. The page's own keys win (src/web/i18n.ts).
 */
import { en } from '../cli/messages-en.js'
import { it } from '../cli/messages-it.js'
import { withoutCommands } from '../api/refusal-text.js'
import { RECEIPT_KEYS } from '../api/receipt-text.js'
import type { resources as pageResources } from './i18n.js'

type Resources = typeof pageResources

const PREFIXES = ['e_', 'skip_', 'f_', 'notApplied_', 'r_']
const receiptKey = (k: string): boolean => RECEIPT_KEYS.includes(k.replace(/_(zero|one|two|few|many|other)$/, ''))

/** The `e_…`, `skip_…`, `notApplied_…`, `f_…`, `r_…` and receipt messages of `m`, without the CLI commands they point to ({@link withoutCommands}). */
const refusals = (m: Readonly<{ [key: string]: string }>): { [key: string]: string } => Object.fromEntries(Object.entries(m).filter(([k]) => PREFIXES.some((p) => k.startsWith(p)) || receiptKey(k)).map(([k, v]) => [k, withoutCommands(v)]))

/** The page's resources with the CLI's refusal messages of each language. */
export function withRefusals (r: Resources): { it: { translation: { [key: string]: string } }, en: { translation: { [key: string]: string } } } {
  return { it: { translation: { ...refusals(it), ...r.it.translation } }, en: { translation: { ...refusals(en), ...r.en.translation } } }
}
