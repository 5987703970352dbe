/**
 * Cyrillic and Greek letters that look like Latin ones in the fonts a phone or a terminal uses
 * ("Маrta" with a Cyrillic М reads as Marta), each mapped to that Latin letter in lower case. A
 * capital maps by its own look (Greek Ν is N, its small ν is v), so the map reads the name as
 * typed, before any lower-casing. A name's look-up key ({@link unaccented} in views.ts) maps them,
 * so a lookalike registration is refused like an accent-only one (an interface's rule, not the
 * fold's).
 */
const LOOKALIKE: Readonly<{ [letter: string]: string }> = {
  // Cyrillic capitals, then small letters
  А: 'a', В: 'b', Е: 'e', Ё: 'e', К: 'k', М: 'm', Н: 'h', О: 'o', Р: 'p', С: 'c', Т: 't', У: 'y', Х: 'x', Ѕ: 's', І: 'i', Ї: 'i', Ј: 'j', Һ: 'h', Ԁ: 'd', Ԛ: 'q', Ԝ: 'w',
  а: 'a', е: 'e', ё: 'e', о: 'o', р: 'p', с: 'c', у: 'y', х: 'x', ѕ: 's', і: 'i', ї: 'i', ј: 'j', һ: 'h', ԁ: 'd', ԛ: 'q', ԝ: 'w',
  // Greek capitals, then small letters
  Α: 'a', Β: 'b', Ε: 'e', Ζ: 'z', Η: 'h', Ι: 'i', Κ: 'k', Μ: 'm', Ν: 'n', Ο: 'o', Ρ: 'p', Τ: 't', Υ: 'y', Χ: 'x', Ϲ: 'c',
  α: 'a', ι: 'i', κ: 'k', ν: 'v', ο: 'o', ρ: 'p', υ: 'u', χ: 'x', ϲ: 'c', ς: 'c'
}

/** `name` as typed with each Cyrillic or Greek lookalike letter replaced by its Latin twin (lower case). */
export function latinLookalikes (name: string): string {
  return name.replace(/[\u0370-\u03ff\u0400-\u052f]/g, (ch) => LOOKALIKE[ch] ?? ch)
}
