/**
 * The Italian preposition "a" before a name (SPEC §7, the user's language): "ad" before a name
 * that begins with an a (`ad Anna`, `a Bruno`), as written Italian has it. An i18next formatter
 * of the CLI and the page (`{{name, a}}`), so a message says it once. Pure; no module imports.
 */

/** `a Bruno`, `ad Anna`, `ad Àlvaro`: the preposition and the name, in Italian. */
export function toName (name: string): string {
  return (/^[aAàáâÀÁÂ]/.test(name) ? 'ad ' : 'a ') + name
}

/** The formatter's name in messages: `{{name, a}}`. */
export const TO_NAME_FORMAT = 'a'
