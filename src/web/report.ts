/**
 * The year's report on the admin's page (SPEC §7, issue 17 item 3): a period chosen by date, the
 * totals by kind and by supplier, cash per admin and Σ credits at the start and the end, the
 * invariant, every movement of the group's cash, a CSV for the spreadsheet, and a chart of cash
 * and credits at each month's end (uPlot). Only confirmed acts count, and it says up to where.
 * Amounts stay integer cents: the chart plots cents and labels its axis with the euro formatter.
 */
import { html, nothing, type TemplateResult } from 'lit-html'
import type uPlot from 'uplot'
import type { MonthPoint, Report } from '../api/report.js'
import { dateTime, day, money, t } from './format.js'

/** What the report section can do: show another period (days as typed in date inputs, `YYYY-MM-DD`, '' = open), download its CSV. */
export interface ReportActions {
  period: (from: string, to: string) => void
  reportCsv: () => void
}

const value = (id: string): string => (document.getElementById(id) as HTMLInputElement).value

/** A time as the YYYY-MM-DD of its day in the phone's time zone (what a date input shows). */
const isoDay = (ms: number | null): string => {
  if (ms === null) return ''
  const d = new Date(ms)
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`
}

function totals (r: Report): TemplateResult {
  const row = (label: string, cents: number, cls = ''): TemplateResult => html`<tr class=${cls}><td>${label}</td><td class="n">${money(cents)}</td></tr>`
  return html`<table id="report-totals">
    ${row(t('rDeposits'), r.totals.depositsCents)}${row(t('rWithdrawals'), r.totals.withdrawalsCents)}
    ${row(t('rSupplierPayments'), r.totals.supplierPaymentsCents)}
    ${r.totals.bySupplier.map((x) => row(`· ${x.supplier}`, x.cents, 'small'))}
    ${row(t('rSettlements'), r.totals.settlementsCents)}${row(t('rTransfers'), r.totals.transfersCents)}${row(t('rCosts'), r.totals.sharedCostsCents)}</table>`
}

function balances (r: Report): TemplateResult {
  return html`<table id="report-balances"><tr><th></th><th>${t('rStart')}</th><th>${t('rEnd')}</th></tr>
    ${r.cash.map((c) => html`<tr><td>${t('cashNow')} · ${c.admin}</td><td class="n">${money(c.startCents)}</td><td class="n">${money(c.endCents)}</td></tr>`)}
    <tr><td>${t('rCredits')}</td><td class="n">${money(r.creditsStartCents)}</td><td class="n">${money(r.creditsEndCents)}</td></tr></table>
    <p id="report-holds" class=${r.holds ? 'ok' : 'bad'}>${r.holds ? t('rHolds') : t('rBroken')}</p>`
}

/** The report section of the admin's view; the chart is drawn into `#report-chart` by `drawChart` after rendering. */
export function reportSection (r: Report | null, a: ReportActions): TemplateResult {
  if (r === null) return html``
  const show = (): void => a.period(value('report-from'), value('report-to'))
  return html`<section id="report"><h2>${t('reportTitle')}</h2>
    <div class="row"><label>${t('rFrom')} <input type="date" id="report-from" .value=${isoDay(r.fromMs)}></label>
    <label>${t('rTo')} <input type="date" id="report-to" .value=${isoDay(r.toMs)}></label>
    <button id="report-show" @click=${show}>${t('rShow')}</button><button id="report-csv" @click=${a.reportCsv}>${t('downloadCsv')}</button></div>
    <p class="small" id="report-upto">${t('rUpTo', { count: r.confirmedActs, when: r.confirmedAtMs === null ? '—' : dateTime(r.confirmedAtMs) })}</p>
    <div id="report-chart"></div>
    ${totals(r)}${balances(r)}
    <details><summary>${t('rMovements', { count: r.rows.length })}</summary><div class="scroll"><table id="report-rows">
      <tr><th>${t('date')}</th><th>${t('movement')}</th><th></th><th>${t('rIncome')}</th><th>${t('rOutgoing')}</th></tr>
      ${r.rows.map((x) => html`<tr><td>${x.timeMs === null ? '' : day(x.timeMs)}</td><td>${t(`kind_${x.kind}`)} · ${x.admin}</td><td>${x.other}</td>
        <td class="n">${x.incomeCents === 0 ? nothing : money(x.incomeCents)}</td><td class="n">${x.outgoingCents === 0 ? nothing : money(x.outgoingCents)}</td></tr>`)}</table></div></details></section>`
}

let chart: uPlot | null = null
let drawn = ''

/**
 * Draws (or keeps) the chart of cash and credits at each month's end into `#report-chart`: redrawn
 * only when the points or the language change, or the element was replaced. uPlot is loaded on
 * first use (esbuild keeps it in the bundle, evaluated lazily): its module reads the browser's
 * locale at load, and a locale Intl refuses (Chromium on a POSIX machine says `en-US@posix`) must
 * cost the chart, not the page. Any failure leaves a one-line note instead of the chart.
 */
export async function drawChart (months: MonthPoint[] | null, lang: string): Promise<void> {
  const el = document.getElementById('report-chart')
  const key = `${lang}:${JSON.stringify(months)}`
  if (el === null || months === null || months.length === 0) { chart?.destroy(); chart = null; drawn = ''; return }
  if (chart !== null && chart.root.isConnected && drawn === key) return
  let UPlot: typeof uPlot
  try {
    UPlot = (await import('uplot')).default
  } catch {
    el.textContent = t('noChart')
    return
  }
  // After the await: a refresh that overtook this one may have drawn already; the last one wins.
  chart?.destroy()
  el.replaceChildren()
  // uPlot's time scale is in seconds; the values stay cents, labelled as euros.
  const data: uPlot.AlignedData = [months.map((m) => Math.floor(m.endMs / 1000)), months.map((m) => m.cashCents), months.map((m) => m.creditsCents)]
  const euros = (_u: uPlot, ticks: number[]): string[] => ticks.map((v) => money(Math.round(v)))
  // One tick per month shown (at most 6, the last always): uPlot's own time ticks, hours or days
  // apart within one month, all read "2026-12".
  const ends = data[0] as number[]
  const step = Math.ceil(ends.length / 6)
  const monthTicks = (): number[] => ends.filter((_, i) => (ends.length - 1 - i) % step === 0)
  chart = new UPlot({
    width: Math.min(el.clientWidth || 360, 700),
    height: 220,
    scales: { x: { time: true } },
    axes: [{ splits: monthTicks, values: (_u: uPlot, ticks: number[]) => ticks.map((s) => isoDay(s * 1000).slice(0, 7)) }, { values: euros, size: 80 }],
    series: [
      { label: t('rMonth'), value: (_u: uPlot, s: number | null) => (s === null ? '' : isoDay(s * 1000).slice(0, 7)) },
      { label: t('rGroupCash'), stroke: '#2a6', width: 2, value: (_u: uPlot, v: number | null) => (v === null ? '' : money(v)) },
      { label: t('rCredits'), stroke: '#36c', width: 2, value: (_u: uPlot, v: number | null) => (v === null ? '' : money(v)) }
    ]
  }, data, el)
  drawn = key
}
