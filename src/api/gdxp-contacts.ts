/**
 * A supplier's contacts as GDXP v1 writes them (SPEC §4.5; madbob/GDXP v1/GDXP-1.json
 * `subject_contacts` and `address`), from the one line of text the directory keeps (SPEC §4.7):
 * what the import joined with ` · ` (src/api/gdxp.ts contactsText), or what a referente typed
 * after `--contacts` (`0123 456789, info@orto.it, Via Roma 1, 12032 Barge`). Pure.
 */

/** A GDXP contact: its kind (the schema's enum) and its text. */
export interface GdxpContact {
  type: 'phoneNumber' | 'mobileNumber' | 'emailAddress' | 'webSite'
  value: string
}

/** A GDXP address: street, postal code and town, each as written (empty when not known). */
export interface GdxpAddress {
  street: string
  locality: string
  zipCode: string
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/
const WEB = /^(?:https?:\/\/|www\.)\S+$/i
const PHONE = /^\+?[\d\s./()-]{6,}$/
/** An Italian mobile number: 3xx, with or without +39 / 0039 before it. */
const MOBILE = /^(?:(?:\+|00)39[\s.-]*)?3\d{2}/
/** An address's last part, `12032 Barge (CN)`: the postal code and the town. */
const PLACE = /^(\d{5})\s+(.+)$/

/**
 * The contacts and the address in `text` (null: none): e-mail addresses, web sites and phone
 * numbers (a mobile one when it reads as an Italian mobile) become contacts, in their order;
 * whatever else there is is the address, its `NNNNN Town` part (when one is) read as the postal
 * code and the town. Parts are cut at ` · ` and `;`, and at commas between contacts.
 */
export function gdxpContacts (text: string | null | undefined): { contacts: GdxpContact[], address: GdxpAddress | null } {
  const contacts: GdxpContact[] = []
  const rest: string[] = []
  for (const part of (text ?? '').split(/\s*[·;]\s*/)) {
    for (const piece of part.split(/\s*,\s*/)) {
      const x = piece.trim()
      if (x === '') continue
      const type = EMAIL.test(x) ? 'emailAddress' : WEB.test(x) ? 'webSite' : PHONE.test(x) && /\d{6}/.test(x.replace(/\D/g, '')) ? (MOBILE.test(x) ? 'mobileNumber' : 'phoneNumber') : null
      if (type === null) rest.push(x)
      else contacts.push({ type, value: x })
    }
  }
  if (rest.length === 0) return { contacts, address: null }
  const place = PLACE.exec(rest[rest.length - 1])
  if (place === null) return { contacts, address: { street: rest.join(', '), locality: '', zipCode: '' } }
  return { contacts, address: { street: rest.slice(0, -1).join(', '), locality: place[2], zipCode: place[1] } }
}
