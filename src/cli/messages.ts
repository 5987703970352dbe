/**
 * The CLI's messages and help in Italian and English (SPEC §7), as i18next resources; keys are the
 * same in both languages (src/cli/messages-it.ts, src/cli/messages-en.ts; the help:
 * src/cli/help-en.ts, src/cli/help-it.ts) and a help key is never a message key.
 */
import { helpEn } from './help-en.js'
import { helpIt } from './help-it.js'
import { en } from './messages-en.js'
import { it } from './messages-it.js'

/** i18next resources of the CLI: the messages and the help of each language. */
export const messages = { it: { translation: { ...it, ...helpIt } }, en: { translation: { ...en, ...helpEn } } }

/** The CLI's languages. */
export type CliLang = keyof typeof messages

/** The key of a help text (src/cli/help-en.ts). */
export type HelpKey = keyof typeof helpEn

// A key that was both a message and a help text would lose one of them in the merge above: the
// compiler refuses it.
const disjoint: [Extract<keyof typeof en, HelpKey>] extends [never] ? true : never = true
