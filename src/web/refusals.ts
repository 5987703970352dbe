/**
 * The refusal messages of the CLI (src/cli/messages-*.ts, the keys `e_…`, `skip_…` the reasons an import leaves a product out, `notApplied_…` what it did not apply, `f_…` the names of act fields) added to the page's
 * own, so that a refusal reads the same on a phone as in a terminal, in Italian or English, less
 * the commands a phone has no terminal for. The page's own keys win (src/web/i18n.ts).
 */
import { en } from '../cli/messages-en.js'
import { it } from '../cli/messages-it.js'
import { withoutCommands } from '../api/refusal-text.js'
import type { resources as pageResources } from './i18n.js'

type Resources = typeof pageResources

/** The `e_…`, `skip_…`, `notApplied_…` and `f_…` messages of `m`, without the CLI commands they point to ({@link withoutCommands}). */
const refusals = (m: Readonly<{ [key: string]: string }>): { [key: string]: string } => Object.fromEntries(Object.entries(m).filter(([k]) => k.startsWith('e_') || k.startsWith('skip_') || k.startsWith('f_') || k.startsWith('notApplied_')).map(([k, v]) => [k, withoutCommands(v)]))

/** The page's resources with the CLI's refusal messages of each language. */
export function withRefusals (r: Resources): { it: { translation: { [key: string]: string } }, en: { translation: { [key: string]: string } } } {
  return { it: { translation: { ...refusals(it), ...r.it.translation } }, en: { translation: { ...refusals(en), ...r.en.translation } } }
}
