/**
 * The members' web view at `/` (SPEC §7): a small self-contained page that reads the JSON API.
 * Italian or English from the browser's language. Amounts are formatted per locale.
 */

/** The HTML of the page. */
export function renderPage (): string {
  return `<!doctype html>
<html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>hypergas</title>
<style>body{font-family:system-ui,sans-serif;margin:1rem;max-width:40rem}td,th{padding:.2rem .5rem;text-align:left}
td.n{text-align:right;font-variant-numeric:tabular-nums}.pending{color:#a60}</style></head>
<body><h1 id="title">hypergas</h1><p id="hash"></p><h2 id="h-members"></h2><table id="members"></table>
<h2 id="h-purchases"></h2><table id="purchases"></table>
<script>
const it = (navigator.language || 'en').startsWith('it')
const T = it ? { members: 'Soci', purchases: 'Acquisti', credit: 'Credito', pending: 'in attesa' }
             : { members: 'Members', purchases: 'Purchases', credit: 'Credit', pending: 'pending' }
const fmt = new Intl.NumberFormat(it ? 'it-IT' : 'en-GB', { style: 'currency', currency: 'EUR' })
const euros = (c) => fmt.format(c / 100)
const esc = (s) => String(s).replace(/[&<>"]/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[ch])
async function load () {
  const st = await (await fetch('/api/status')).json()
  document.getElementById('title').textContent = st.group.name
  document.getElementById('h-members').textContent = T.members
  document.getElementById('h-purchases').textContent = T.purchases
  const ms = await (await fetch('/api/members')).json()
  document.getElementById('members').innerHTML = ms.map((m) => '<tr><td>' + esc(m.name) + '</td><td class="n">' + euros(m.confirmedCreditCents) +
    (m.creditCents !== m.confirmedCreditCents ? ' <span class="pending">(' + euros(m.creditCents) + ' ' + T.pending + ')</span>' : '') + '</td></tr>').join('')
  const ps = await (await fetch('/api/purchases')).json()
  document.getElementById('purchases').innerHTML = ps.map((p) => '<tr><td>' + esc(p.name) + '</td><td>' + esc(p.phase) + '</td><td class="n">' + euros(p.committedCents) + '</td></tr>').join('')
}
load(); setInterval(load, 5000)
</script></body></html>`
}
