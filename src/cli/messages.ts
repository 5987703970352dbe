/**
 * The CLI's messages in Italian and English (SPEC §7), as i18next resources; keys are the same in
 * both (src/cli/messages-it.ts, src/cli/messages-en.ts).
 */
import { en } from './messages-en.js'
import { it } from './messages-it.js'

/** i18next resources of the CLI. */
export const messages = { it: { translation: it }, en: { translation: en } }

/** The CLI's languages. */
export type CliLang = keyof typeof messages
