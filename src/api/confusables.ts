/**
 * Cyrillic and Greek letters that look like Latin ones in the fonts a phone or a terminal uses
 * ("Маrta" with a Cyrillic М reads as Marta), mapped to that Latin letter. Lower case only: the
 * names are folded to lower case first. A name's look-up key ({@link unaccented} in views.ts)
 * maps them, so a lookalike registration is refused like an accent-only one (an interface's
 * rule, not the fold's).
 */
const LOOKALIKE: Readonly<{ [letter: string]: string }> = {
  // Cyrillic
  а: 'a', в: 'b', е: 'e', ё: 'e', к: 'k', м: 'm', н: 'h', о: 'o', р: 'p', с: 'c', т: 't', у: 'y', х: 'x', ѕ: 's', і: 'i', ї: 'i', ј: 'j', һ: 'h', ԁ: 'd', ԛ: 'q', ԝ: 'w',
  // Greek
  α: 'a', β: 'b', ε: 'e', ζ: 'z', η: 'h', ι: 'i', κ: 'k', μ: 'm', ν: 'v', ο: 'o', ρ: 'p', τ: 't', υ: 'u', χ: 'x', ϲ: 'c'
}

/** `lower` (already in lower case) with each Cyrillic or Greek lookalike letter replaced by its Latin twin. */
export function latinLookalikes (lower: string): string {
  return lower.replace(/[\u0370-\u03ff\u0400-\u052f]/g, (ch) => LOOKALIKE[ch] ?? ch)
}
