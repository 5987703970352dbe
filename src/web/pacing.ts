/**
 * The page's message area and the pacing of its acts (issues 14 and 15): one act on its way at a
 * time, no second act from a double tap, from the next row of a list that closed up, or from a
 * form just emptied. Used by src/web/app.ts.
 */
import { html, render } from 'lit-html'
import { t } from './format.js'

const $ = (id: string): HTMLElement => document.getElementById(id)!

/** One line in the message area; `bad` for an error, whose stable code (not shown to a member) is kept in `data-code`. */
export function say (text: string, bad = false, code?: string): void {
  render(html`${text}`, $('msg'))
  $('msg').className = bad ? 'msg bad' : 'msg'
  if (code === undefined) delete $('msg').dataset.code
  else $('msg').dataset.code = code
}

/**
 * After an act sent from a form (commit, book, pay), how long its button does nothing, ms: a
 * double tap's second press finds the fields emptied, and must not put "type an amount" in red
 * over the receipt of the act that went (a member told it failed does it again).
 */
const AFTER_FORM_ACT_MS = 1000
/** When the last act from a form ended well (performance.now(), ms), and its form (the card or form of the button pressed): {@link clearForm}. */
let formActedAt = -Infinity
let actedForm: Element | null = null

/** The card or form of the button pressed now (null where a pressed button takes no focus: Safari). */
export const pressedForm = (): Element | null => (document.activeElement as HTMLElement | null)?.closest('.card, form') ?? null

/** Whether an act from `form` ({@link pressedForm}) ended well less than {@link AFTER_FORM_ACT_MS} ago: another form is not held. */
export const justActed = (form: Element | null): boolean => form === actedForm && performance.now() - formActedAt < AFTER_FORM_ACT_MS

/**
 * Empties the text fields of the form whose button was pressed: a second tap sends nothing twice.
 * (Safari gives a pressed button no focus: there, every field that sends money is emptied.)
 */
export function clearForm (): void {
  formActedAt = performance.now()
  actedForm = pressedForm()
  // The card or form of the button, else its line (the cash desk's deposit, withdrawal, settlement; a commitment's row).
  const form = actedForm ?? (document.activeElement as HTMLElement | null)?.closest('.row, tr')
  const fields = form?.querySelectorAll('input') ?? document.querySelectorAll<HTMLInputElement>('#send input, .purchase input.amount, .purchase input.qty, #cash-amount, #settle-amount, #decide input.adjust')
  for (const input of fields) if (input.type !== 'file' && input.type !== 'checkbox') input.value = ''
}

/** Whether an act is on its way to the node: a second tap meanwhile (a double tap, an impatient one) sends nothing. */
let sending = false

/**
 * After an act on a row of a list (accept or refuse a transfer, approve or reject a commitment),
 * how long a press on such a row's button sends nothing, ms: the row goes, the list closes up, and
 * the next row's button comes under the finger (an audit's second tap paid another member).
 */
const AFTER_ROW_ACT_MS = 1500
/** When the last act on a row ended (performance.now(), ms). */
let rowActedAt = -Infinity

/** How long an act may be on its way before the page says so, ms (the message before would read as its answer). */
const SLOW_ACT_MS = 400

/**
 * Runs `send` unless an act is already on its way ({@link sending}), or, for an act on a list's
 * row (`row`), one ended less than {@link AFTER_ROW_ACT_MS} ago. An act still on its way after
 * {@link SLOW_ACT_MS} is said to be (a slow network). After a row's act the focus moves to the
 * message that says what happened: a second key press must not act on the next row.
 */
export async function once (send: () => Promise<void>, row = false): Promise<void> {
  if (sending) return
  if (row && performance.now() - rowActedAt < AFTER_ROW_ACT_MS) { say(t('rowWait')); return }
  sending = true
  const slow = setTimeout(() => { if (sending) say(t('sendingAct')) }, SLOW_ACT_MS)
  try { await send() } finally {
    clearTimeout(slow)
    sending = false
    if (row) {
      rowActedAt = performance.now()
      $('msg').focus({ preventScroll: true })
    }
  }
}

/** After a render: the rows shifted now, not when the act ended, so the wait after a row's act counts from here. */
export function rowsShifted (): void {
  if (performance.now() - rowActedAt < AFTER_ROW_ACT_MS) rowActedAt = performance.now()
}
