/**
 * A CSV catalogue's table as a spreadsheet saves it (SPEC §4.5 import): the separator (`;`, `,` or
 * a tab) and the header line found where the columns of names and prices are, so that title lines
 * above the header (`Listino marzo;;`, `Nome;Mario Rossi`) or an empty first line do not hide it;
 * headers compared without case, spaces, a euro sign or brackets (`Prezzo €`, `Prezzo (EUR)` are
 * `prezzo`). A row of a file separated by commas where a decimal comma split the price
 * (`Mele,kg,2,50`) is marked (`split`): it would otherwise lose its cents without a word.
 */
import { parse as parseCsv } from 'csv-parse/sync'
import { HypergasError } from '../errors.js'

/** One row under the header: its cells by header name, and whether a decimal comma split its price. */
export interface CsvRow {
  cells: Record<string, string>
  /**
   * True in a file separated by commas when the row looks like an unquoted decimal comma split
   * its price in two cells (`Mele,kg,2,50`): cells past the header or under a column with no name,
   * or a whole price followed by a cell of one or two digits where no quantity is expected. In a
   * file separated otherwise, a whole price in the last column followed by a cell of one or two
   * digits (`Mele;kg;2;50`): the cents, or a note?
   */
  split: boolean
  /** The row as written, its cells joined by the separator (for a message). */
  line: string
}

/** The separators tried, the one whose header line has the most columns winning. */
const SEPARATORS = [';', ',', '\t']

/** How many lines above the header a file may have (titles, dates, notes). */
const MAX_LINES_ABOVE = 10

/** The names a column of product names goes by. */
const NAME_COLUMNS = ['name', 'nome']

/** The names a column of prices goes by (a header starting with one of the first two, `Prezzo unitario`, is one when no other is). */
export const PRICE_COLUMNS = ['price', 'prezzo', 'umprice']

/** The names each column of quantities goes by, in English and Italian (the import reads them by these). */
export const QUANTITY_NAMES = {
  package: ['package', 'packageqty', 'confezione'],
  min: ['min', 'minqty', 'minimo'],
  mul: ['mul', 'mulqty', 'multiplo'],
  max: ['max', 'maxqty', 'massimo'],
  available: ['available', 'availableqty', 'disponibile']
} as const

/** The names of columns that hold quantities (a small whole number there is no split price). */
const QUANTITY_COLUMNS: readonly string[] = Object.values(QUANTITY_NAMES).flat()

/** A header cell as the columns are named: lower case, without a euro sign, `eur`/`euro` or brackets, single spaces. */
export function headerName (cell: string): string {
  return cell.toLowerCase().replace(/[€()[\]]/g, ' ').replace(/\b(eur|euro)\b/g, ' ').replace(/\s+/g, ' ').trim()
}

/** The header's names, a price column named at more length (`prezzo unitario`, `prezzo iva inclusa`) read as `prezzo` when there is no other. */
function headerNames (row: string[]): string[] {
  const names = row.map(headerName)
  if (names.some((h) => PRICE_COLUMNS.includes(h))) return names
  const at = names.findIndex((h) => /^(prezzo|price) /.test(h))
  if (at >= 0) names[at] = 'prezzo'
  return names
}

/** Where the header is among the first lines of `rows`: the first line with a name column and a price column, else the first with a name column (-1: none); and whether it has a price column. */
function headerAt (rows: string[][]): { at: number, priced: boolean } {
  const first = rows.slice(0, MAX_LINES_ABOVE + 1).map(headerNames)
  const priced = first.findIndex((r) => r.some((c) => NAME_COLUMNS.includes(c)) && r.some((c) => PRICE_COLUMNS.includes(c)))
  return priced >= 0 ? { at: priced, priced: true } : { at: first.findIndex((r) => r.some((c) => NAME_COLUMNS.includes(c))), priced: false }
}

/**
 * csv-parse's refusal as the user reads it: where (its line) and, for the common case, what (a
 * quote never closed), not the library's English sentence (kept in the reason, for the log).
 */
function notCsv (err: Error & { code?: string, lines?: number }): HypergasError {
  const line = Number.isSafeInteger(err.lines) ? String(err.lines) : undefined
  const variant = line === undefined ? 'notCsv' : err.code === 'CSV_QUOTE_NOT_CLOSED' ? 'notCsvQuote' : 'notCsvLine'
  return new HypergasError('BAD_ARGUMENT', `not a CSV catalogue: ${err.message}`, { variant, input: line, detail: err.message.slice(0, 200) })
}

/**
 * The rows of CSV text `raw` under its header line, with the header's names.
 * @throws HypergasError BAD_ARGUMENT `notCsv`, `notCsvQuote`, `notCsvLine` (the text is no CSV; the line in `input`), `noRows` (nothing under a
 *   header), `noNameColumn` (no line of the first ones has a name column)
 */
export function csvTable (raw: string): CsvRow[] {
  let best: { sep: string, rows: string[][], at: number, score: number } | null = null
  const failures: Error[] = []
  for (const sep of SEPARATORS) {
    let rows: string[][]
    try {
      rows = parseCsv(raw, { delimiter: sep, skip_empty_lines: true, trim: true, bom: true, relax_column_count: true }) as string[][]
    } catch (err) { failures.push(err as Error); continue }
    const { at, priced } = headerAt(rows)
    // A header with a price column first, then the one with the most columns.
    const score = at < 0 ? -1 : (priced ? 1e6 : 0) + rows[at].length
    if (at >= 0 && (best === null || score > best.score)) best = { sep, rows, at, score }
  }
  if (best === null && failures.length === SEPARATORS.length) throw notCsv(failures[0])
  if (best === null) throw new HypergasError('BAD_ARGUMENT', 'a CSV catalogue needs a "name" (or "nome") column', { variant: 'noNameColumn' })
  const header = headerNames(best.rows[best.at])
  const rows = best.rows.slice(best.at + 1)
  if (rows.length === 0) throw new HypergasError('BAD_ARGUMENT', 'no product rows: a CSV catalogue has a header line with a "name" (or "nome") column, then a product per line', { variant: 'noRows' })
  const sep = best.sep
  const price = header.findIndex((h) => PRICE_COLUMNS.includes(h))
  /** A whole price, then a cell of one or two digits: its cents? */
  const wholeThenCents = (r: string[]): boolean => price >= 0 && /^\d+$/.test(r[price] ?? '') && /^\d{1,2}$/.test(r[price + 1] ?? '')
  /** An unquoted decimal comma in a file separated by commas, or a price cut in two past the header in any file (see {@link CsvRow.split}). */
  const split = (r: string[]): boolean => (wholeThenCents(r) && price + 1 >= header.length) || (sep === ',' && (
    r.slice(header.length).some((c) => c !== '') ||
    header.some((h, i) => h === '' && (r[i] ?? '') !== '') ||
    (wholeThenCents(r) && (r.length > header.length || !QUANTITY_COLUMNS.includes(header[price + 1] ?? '')))))
  // A row of empty cells (`;;;;` where a spreadsheet kept a formatted line) is no product.
  return rows.filter((r) => r.some((c) => c !== '')).map((r) => {
    // No prototype: a column headed `__proto__` or `constructor` is a column like any other.
    const cells = Object.create(null) as Record<string, string>
    // The first column of a name wins over a later one of the same name.
    header.forEach((h, i) => { if (!(h in cells) || cells[h] === '') cells[h] = r[i] ?? '' })
    return { cells, split: split(r), line: r.join(sep) }
  })
}
