/**
 * A CSV catalogue's table as a spreadsheet saves it (SPEC §4.5 import): the separator (`;`, `,` or
 * a tab) and the header line found where the column of names is, so that a title line above the
 * header (`Listino marzo;;`) or an empty first line do not hide it; headers compared without case,
 * spaces, a euro sign or brackets (`Prezzo €`, `Prezzo (EUR)` are `prezzo`). A row with more cells
 * than the header keeps them apart (`extra`): a decimal comma in a file separated by commas
 * (`Mele,kg,2,50`) would otherwise lose its cents without a word.
 */
import { parse as parseCsv } from 'csv-parse/sync'
import { HypergasError } from '../errors.js'

/** One row under the header: its cells by header name, and the non-empty cells past the header. */
export interface CsvRow {
  cells: Record<string, string>
  /** Cells beyond the header's columns that are not empty ([] when none). */
  extra: string[]
  /** The row as written, its cells joined by the separator (for a message). */
  line: string
}

/** The separators tried, the one whose header line has the most columns winning. */
const SEPARATORS = [';', ',', '\t']

/** How many lines above the header a file may have (titles, dates, notes). */
const MAX_LINES_ABOVE = 10

/** The names a column of product names goes by. */
const NAME_COLUMNS = ['name', 'nome']

/** A header cell as the columns are named: lower case, without a euro sign, `eur`/`euro` or brackets, single spaces. */
export function headerName (cell: string): string {
  return cell.toLowerCase().replace(/[€()[\]]/g, ' ').replace(/\b(eur|euro)\b/g, ' ').replace(/\s+/g, ' ').trim()
}

/**
 * The rows of CSV text `raw` under its header line, with the header's names.
 * @throws HypergasError BAD_ARGUMENT `notCsv` (the text is no CSV), `noRows` (nothing under a
 *   header), `noNameColumn` (no line of the first ones has a name column)
 */
export function csvTable (raw: string): CsvRow[] {
  let best: { sep: string, rows: string[][], at: number } | null = null
  const failures: Error[] = []
  for (const sep of SEPARATORS) {
    let rows: string[][]
    try {
      rows = parseCsv(raw, { delimiter: sep, skip_empty_lines: true, trim: true, bom: true, relax_column_count: true }) as string[][]
    } catch (err) { failures.push(err as Error); continue }
    const at = rows.slice(0, MAX_LINES_ABOVE + 1).findIndex((r) => r.some((c) => NAME_COLUMNS.includes(headerName(c))))
    if (at >= 0 && (best === null || rows[at].length > best.rows[best.at].length)) best = { sep, rows, at }
  }
  const failure = failures[0]
  if (best === null && failures.length === SEPARATORS.length) throw new HypergasError('BAD_ARGUMENT', `not a CSV catalogue: ${failure.message}`, { variant: 'notCsv', detail: failure.message.slice(0, 200) })
  if (best === null) throw new HypergasError('BAD_ARGUMENT', 'a CSV catalogue needs a "name" (or "nome") column', { variant: 'noNameColumn' })
  const header = best.rows[best.at].map(headerName)
  const rows = best.rows.slice(best.at + 1)
  if (rows.length === 0) throw new HypergasError('BAD_ARGUMENT', 'no product rows: a CSV catalogue has a header line with a "name" (or "nome") column, then a product per line', { variant: 'noRows' })
  const sep = best.sep
  // A row of empty cells (`;;;;` where a spreadsheet kept a formatted line) is no product.
  return rows.filter((r) => r.some((c) => c !== '')).map((r) => {
    // No prototype: a column headed `__proto__` or `constructor` is a column like any other.
    const cells = Object.create(null) as Record<string, string>
    // The first column of a name wins over a later one of the same name.
    header.forEach((h, i) => { if (!(h in cells) || cells[h] === '') cells[h] = r[i] ?? '' })
    return { cells, extra: r.slice(header.length).filter((c) => c !== ''), line: r.join(sep) }
  })
}
