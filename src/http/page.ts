/**
 * The members' web view at `/` (SPEC §7, issue 4): an HTML shell, readable on a phone, that loads
 * the bundled page script (src/web/app.ts → dist/web/app.js, served at `/app.js`).
 */
import fs from 'node:fs'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'

let chartCss: string | null = null
/** uPlot's own stylesheet (the report's chart: src/web/report.ts), read once from the installed package. */
function uplotCss (): string {
  if (chartCss === null) chartCss = fs.readFileSync(createRequire(import.meta.url).resolve('uplot/dist/uPlot.min.css'), 'utf8').replace(/<\/style/gi, '')
  return chartCss
}

/**
 * What a browser gets for the page by a name the node does not answer to (BAD_HOST: a mistyped or
 * old address), in both languages: a page that says so, not the API's JSON. It repeats nothing of
 * the request (the name could be anyone's).
 */
export const BAD_HOST_PAGE = '<!doctype html><html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>hypergas</title></head>' +
  '<body style="font-family:system-ui,sans-serif;max-width:32rem;margin:2rem auto;padding:0 1rem;line-height:1.4">' +
  '<p lang="it">Questo nodo non risponde a questo nome (BAD_HOST): apri l\'indirizzo che ha stampato <code>hypergas start</code>, o quello del link che hai ricevuto.</p>' +
  '<p lang="en">This node does not answer to this name (BAD_HOST): open the address <code>hypergas start</code> printed, or the one in the link you were given.</p></body></html>\n'

/** The HTML of the page. */
export function renderPage (): string {
  return `<!doctype html>
<html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>hypergas</title><link rel="icon" href="data:,">
<style>
body{font-family:system-ui,sans-serif;margin:0 auto;padding:.75rem;max-width:46rem;font-size:17px;line-height:1.4;color:#222}
header{display:flex;flex-wrap:wrap;gap:.5rem;align-items:center;justify-content:space-between}
h1{font-size:1.3rem;margin:.2rem 0}h2{font-size:1.1rem;margin:1.2rem 0 .4rem}
nav button,.lang button{border:1px solid #999;background:#fff;padding:.35rem .7rem;border-radius:.4rem}
nav button.on,.lang button.on{background:#2a6;color:#fff;border-color:#2a6}
.card{border:1px solid #ddd;border-radius:.5rem;padding:.6rem .8rem;margin:.6rem 0}
.big{font-size:2rem;font-weight:600}.small{font-size:.85rem;color:#666}
.scroll{overflow-x:auto}table{border-collapse:collapse;width:100%}td,th{padding:.3rem .25rem;text-align:left;border-bottom:1px solid #eee}
td.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
@media (max-width:32rem){table{font-size:.82rem}td,th{padding:.25rem .12rem}th{font-size:.72rem;font-weight:600}}
select{max-width:100%}
.pending{color:#a60}.ok{color:#2a6}.bad{color:#c22}.msg{white-space:pre-line;min-height:1.2rem;margin:.4rem 0;position:sticky;top:0;z-index:2;background:#fff}
button,input,select,summary{min-height:2.5rem}td.stepper{white-space:nowrap}td.stepper button{min-width:2.5rem}
@media (max-width:32rem){td.stepper button{min-width:2.1rem;padding:0 .2rem}input.qty{width:2.8rem}}
.row{display:flex;flex-wrap:wrap;gap:.4rem;align-items:center;margin:.3rem 0}
input,select,textarea,button{font-size:1rem}textarea{width:100%;box-sizing:border-box;font-family:inherit}#listing label{display:block;margin:.3rem 0}input.amount,#dep-amount{width:7rem}
${uplotCss()}
</style></head>
<body><header><h1 id="title">hypergas</h1><div class="lang"><button id="lang-it">IT</button> <button id="lang-en">EN</button></div></header>
<nav><button id="tab-member"></button> <button id="tab-admin"></button></nav>
<p class="small"><span id="finality"></span> <span id="live"></span></p>
<div id="msg" class="msg" role="status" tabindex="-1"></div>
<main id="main"></main>
<script type="module" src="/app.js"></script>
</body></html>`
}

let script: string | null = null

/**
 * The bundled page script (built by `npm run build`), read once.
 * @throws Error when the bundle is missing (run `npm run build`)
 */
export function pageScript (): string {
  if (script === null) script = fs.readFileSync(fileURLToPath(new URL('../../web/app.js', import.meta.url)), 'utf8')
  return script
}
