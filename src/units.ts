/**
 * A product's unit after a quantity, in the plural the reader expects ("6 vasetti", not
 * "6 vasetto"): SPEC §4.5 books products by quantity in the unit of the supplier's price list,
 * where the unit is the singular word the file gives. Only the first word of the unit changes,
 * and only when it is a counted unit this table knows (measures such as kg or l, and any word it
 * does not know, are left as written: a wrong plural is worse than none).
 */

/** The plural of the counted units of Italian and English price lists, by their singular (lowercase). */
const PLURALS: Readonly<{ it: ReadonlyMap<string, string>, en: ReadonlyMap<string, string> }> = {
  it: new Map([
    ['pezzo', 'pezzi'], ['vasetto', 'vasetti'], ['vaso', 'vasi'], ['barattolo', 'barattoli'], ['bottiglia', 'bottiglie'],
    ['bottiglietta', 'bottigliette'], ['confezione', 'confezioni'], ['scatola', 'scatole'], ['scatoletta', 'scatolette'],
    ['cassetta', 'cassette'], ['sacchetto', 'sacchetti'], ['sacco', 'sacchi'], ['vaschetta', 'vaschette'], ['mazzo', 'mazzi'],
    ['mazzetto', 'mazzetti'], ['cespo', 'cespi'], ['forma', 'forme'], ['pacco', 'pacchi'], ['pacchetto', 'pacchetti'],
    ['busta', 'buste'], ['bustina', 'bustine'], ['lattina', 'lattine'], ['latta', 'latte'], ['fetta', 'fette'],
    ['panetto', 'panetti'], ['pagnotta', 'pagnotte'], ['filone', 'filoni'], ['treccia', 'trecce'], ['rotolo', 'rotoli'],
    ['uovo', 'uova'], ['flacone', 'flaconi'], ['tanica', 'taniche'], ['cartone', 'cartoni'], ['cesta', 'ceste'],
    ['cestino', 'cestini'], ['brick', 'brick'], ['porzione', 'porzioni'], ['vassoio', 'vassoi'], ['dozzina', 'dozzine'],
    ['pianta', 'piante'], ['piantina', 'piantine'], ['zucca', 'zucche'], ['cassa', 'casse'], ['kit', 'kit'], ['box', 'box']
  ]),
  en: new Map([
    ['piece', 'pieces'], ['jar', 'jars'], ['bottle', 'bottles'], ['box', 'boxes'], ['pack', 'packs'], ['packet', 'packets'],
    ['bag', 'bags'], ['bunch', 'bunches'], ['can', 'cans'], ['tin', 'tins'], ['loaf', 'loaves'], ['egg', 'eggs'],
    ['tray', 'trays'], ['crate', 'crates'], ['carton', 'cartons'], ['head', 'heads'], ['slice', 'slices'], ['pot', 'pots'],
    ['plant', 'plants'], ['case', 'cases'], ['sack', 'sacks'], ['dozen', 'dozen'], ['portion', 'portions'], ['kit', 'kits']
  ])
}

/**
 * `unit` as shown after `qtyMilli` milli-units (1000 = one) to a reader of language `lang`: its
 * first word in the plural for any quantity but exactly one, when {@link PLURALS} knows it, in
 * the reader's language first, else in the other ("vasetto da 250 g" → "vasetti da 250 g" in
 * either; "box" → "boxes" in English, "box" in Italian); otherwise `unit` unchanged.
 */
export function unitFor (unit: string, qtyMilli: number, lang: 'it' | 'en'): string {
  if (qtyMilli === 1000) return unit
  const m = /^\p{L}+/u.exec(unit)
  if (m === null) return unit
  // The unit is a word of the price list, in its language: "vasetto" is "vasetti" on an English page too.
  const plural = PLURALS[lang].get(m[0].toLowerCase()) ?? PLURALS[lang === 'it' ? 'en' : 'it'].get(m[0].toLowerCase())
  if (plural === undefined) return unit
  const w = m[0]
  const cased = w.length > 1 && w === w.toUpperCase() ? plural.toUpperCase() : w[0] !== w[0].toLowerCase() ? plural[0].toUpperCase() + plural.slice(1) : plural
  return cased + unit.slice(m[0].length)
}
