// Issues 4 and 14 end to end in a real browser (Chromium driven by playwright-core: Debian's when
// installed, else the one the npm package @sparticuz/chromium ships, so a fresh machine needs
// nothing but npm): two admin nodes as processes replicating over a local DHT. Marta's phone
// reaches node B by a LAN name (Chromium maps gas.test to the loopback address, so the node sees
// what a phone's request carries: a Host that is not its own machine's): before her personal link
// it sees only the group's name and open purchases; with it, her credit. A deposit made on node A
// shows up live on her page; she commits, signing in the browser, and the commitment appears on
// node A and goes from pending to confirmed. The admins log in with `hypergas login`'s one-time
// link and act from their pages. Phone-sized screenshots of the member and admin views in both
// languages go to test/artifacts/tmp/ (ignored by git); with HYPERGAS_SCREENSHOTS=1 they replace
// the committed ones in test/artifacts/ (a run would otherwise change tracked files every time).
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import test from 'brittle'
import createTestnet from 'hyperdht/testnet.js'
import { chromium, type Page } from 'playwright-core'
import { act, cli, get, setupAdmins, startNode, stopNode, waitFor, type NodeProc } from '../examples/procs.js'

type Row = Record<string, unknown>
const DEBIAN_CHROMIUM = '/usr/bin/chromium'

/** A Chromium to drive and its flags: Debian's if present, else the npm-shipped one (unpacked to /tmp). */
async function findChromium (): Promise<{ executablePath: string, args: string[] }> {
  const args = ['--no-sandbox', '--disable-background-networking', '--disable-gpu', '--disable-component-update', '--disable-sync']
  if (fs.existsSync(DEBIAN_CHROMIUM)) return { executablePath: DEBIAN_CHROMIUM, args }
  const { default: sparticuz } = await import('@sparticuz/chromium')
  // Not the package's own flags: they are for AWS Lambda (--single-process, which ends the browser
  // when a page closes, and --disable-web-security, which would hide what the page must respect).
  return { executablePath: await sparticuz.executablePath(), args: [...args, '--font-render-hinting=none'] }
}
const ARTIFACTS = path.join(import.meta.dirname, '..', '..', 'test', 'artifacts', ...(process.env.HYPERGAS_SCREENSHOTS === '1' ? [] : ['tmp']))

test('a member follows and commits from a phone, on another admin\'s node', { timeout: 240_000 }, async (t) => {
  const chrome = await findChromium() // throws (the test fails, never skips) when no browser can be had
  t.comment(`browser: ${chrome.executablePath}`)
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'hypergas-web-'))
  const testnet = await createTestnet(3)
  const bootstrap = `${testnet.bootstrap[0].host}:${testnet.bootstrap[0].port}`
  const nodes: NodeProc[] = []
  const browser = await chromium.launch({ executablePath: chrome.executablePath, headless: true, args: [...chrome.args, '--host-resolver-rules=MAP gas.test 127.0.0.1, MAP gas-a.test 127.0.0.1'] })
  t.teardown(async () => {
    await browser.close()
    await Promise.all(nodes.map(stopNode))
    await testnet.destroy()
    fs.rmSync(base, { recursive: true, force: true })
  })
  // Anna founds the group, Bruno joins as cassiere, Marta is a member with her own key.
  const [a, b] = [path.join(base, 'a'), path.join(base, 'b')]
  setupAdmins([a, b], 'GAS Roma Nord', ['cassiere'])
  const keyFile = path.join(base, 'marta.json')
  const marta = cli(a, 'keygen', '--out', keyFile)
  cli(a, 'member', 'add', 'Marta', String(marta.publicKey))
  const ninoKey = path.join(base, 'nino.json')
  cli(a, 'member', 'add', 'Nino', String(cli(a, 'keygen', '--out', ninoKey).publicKey))
  cli(a, 'purchase', 'open', 'Verdure', '--supplier', 'Cascina Rossi')
  nodes.push(await startNode('a', a, bootstrap, { args: ['--allow-host', 'gas-a.test'] }), await startNode('b', b, bootstrap, { args: ['--allow-host', 'gas.test'] }))
  const [na, nb] = nodes
  await waitFor('B to be a writer', async () => ((await get(nb, '/api/status')).me as Row).admin === true)
  const phoneUrl = (u: string): string => u.replace(/^http:\/\/[^/]+/, nb.url.replace('127.0.0.1', 'gas.test'))
  /** The one-time admin login link `hypergas login` prints for node `n`. */
  const loginUrl = (n: NodeProc): string => String(cli(n.dir, 'login').url)

  const page = await browser.newPage({ viewport: { width: 390, height: 844 }, locale: 'it-IT' })
  const errors: string[] = []
  page.on('pageerror', (e) => errors.push(e.message))
  // Without her link, Marta's phone sees the group's name and the open purchase, nobody's money.
  await page.goto(phoneUrl(nb.url))
  await page.waitForSelector('#login-help')
  t.is(await page.textContent('#title'), 'GAS Roma Nord')
  t.ok((await page.textContent('main'))?.includes('Verdure'), 'the open purchase is public')
  t.ok(await page.isHidden('#tab-admin'), 'no admin view on a phone')
  /** A request from the phone's page as the page makes it (with its session key). */
  const phoneFetch = async (p: string): Promise<number> => await page.evaluate(async (u) => (await fetch(u, { headers: { 'x-hypergas-session': localStorage.getItem('hypergas.sessionKey') ?? '' } })).status, p)
  t.is(await phoneFetch('/api/members'), 401, 'the members list needs a login')
  // With the personal link Anna made for her, she sees her own credit and statement.
  const link = cli(b, 'link', 'Marta')
  await page.goto(phoneUrl(String(link.url)))
  await page.waitForSelector('#credit')
  t.absent(page.url().includes('link='), 'the secret leaves the address bar')
  const text = async (sel: string): Promise<string> => ((await page.textContent(sel)) ?? '').replace(/\u00a0/g, ' ').trim()
  t.is(await text('#credit'), '0,00 €', 'Italian format on an Italian browser')
  t.is(await phoneFetch('/api/members'), 403, 'a member reads only her own data')

  // A deposit on node A appears on B's page without reloading (SSE).
  await act(na, { type: 'Deposit', member: 'Marta', cents: 2000 })
  await page.waitForFunction(() => document.querySelector('#statement')?.textContent?.includes('20,00') === true, undefined, { timeout: 60_000 })
  t.pass('the deposit made on A shows up live on B\'s page')
  await page.waitForFunction(() => document.querySelector('#credit')?.textContent?.includes('20,00') === true, undefined, { timeout: 60_000 })
  t.pass('and becomes confirmed once both admins acknowledged it')

  // The Wi-Fi between a phone and the node, as a relay that keeps every byte both ways: a personal
  // link opened through it logs in and shows the credit, and neither the link's secret, nor the
  // session key, nor her name or credit crosses it in clear (src/seal.ts).
  const wire: Buffer[] = []
  const relay = net.createServer((phone) => {
    const node = net.connect(Number(new URL(nb.url).port), '127.0.0.1')
    phone.on('data', (d: Buffer) => wire.push(d))
    node.on('data', (d: Buffer) => wire.push(d))
    phone.pipe(node).pipe(phone)
    phone.on('error', () => node.destroy())
    node.on('error', () => phone.destroy())
  })
  await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve))
  t.teardown(() => { relay.close() })
  const onWifi = await browser.newPage({ viewport: { width: 390, height: 844 }, locale: 'it-IT' })
  const wifiLink = String(cli(b, 'link', 'Marta').url)
  await onWifi.goto(wifiLink.replace(/^http:\/\/[^/]+/, `http://gas.test:${(relay.address() as net.AddressInfo).port}`))
  await onWifi.waitForFunction(() => document.querySelector('#credit')?.textContent?.includes('20,00') === true, undefined, { timeout: 30_000 })
  const sessionKey = await onWifi.evaluate(() => localStorage.getItem('hypergas.sessionKey')) ?? ''
  const heard = Buffer.concat(wire).toString('latin1')
  t.ok(heard.includes('/api/seal') && sessionKey.length > 20, 'the page spoke through the relay, and logged in')
  t.absent(heard.includes(new URLSearchParams(new URL(wifiLink).hash.slice(1)).get('link') ?? '?'), 'the link\'s secret is not heard on the Wi-Fi')
  t.absent(heard.includes(sessionKey), 'nor the session key')
  t.absent(/Marta|20,00|"creditCents":2000/.test(heard), 'nor her name or her credit')
  await onWifi.close()

  // Marta loads her key and commits, signing in the browser; node B relays the act.
  await page.fill('#key', fs.readFileSync(keyFile, 'utf8'))
  await page.click('#usekey')
  await page.waitForSelector('.purchase .commit:not([disabled])', { timeout: 10_000 }).catch(async (err) => { t.comment(`page says: ${await text('#msg')}`); throw err })
  await page.fill('.purchase .amount', '7,50')
  // The keyboard's Enter (a phone's "Go") in the amount commits, as the button does.
  await page.press('.purchase .amount', 'Enter')
  // The page answers with the act's receipt, as the CLI words it: what, whose, and the credit after.
  await page.waitForFunction(() => document.querySelector('#msg')?.textContent?.includes('Impegno di') === true)
  t.ok((await text('#msg')).includes('Impegno di 7,50 € di Marta su "Verdure"'), 'the receipt says what was committed, by whom, to what')
  t.ok((await text('#msg')).includes("poi il referente dell'acquisto approva l'impegno"), 'and what comes next')
  t.ok((await text('#msg')).includes('credito di Marta: 12,50 €'), 'and the credit after it')
  t.is(await page.inputValue('.purchase .amount'), '', 'the amount is cleared once sent: a second tap sends nothing twice')
  // A double tap's second press, on the emptied form: the receipt stays, not a red "type an amount".
  await page.click('.purchase .commit')
  await new Promise((resolve) => setTimeout(resolve, 200))
  t.alike([(await text('#msg')).includes('Impegno di 7,50 €'), await page.getAttribute('#msg', 'class')], [true, 'msg'], 'the second tap leaves the receipt as it was')
  let seen: Row | undefined
  await waitFor('the commitment on node A', async () => {
    const p = await get(na, '/api/purchases/Verdure')
    seen = (p.commitments as Row[]).find((c) => c.name === 'Marta')
    return seen?.confirmedStatus === 'pending'
  })
  t.is(seen?.amountCents, 750, 'A holds Marta\'s commitment of 7.50, confirmed')

  // Anna, the referente, approves it from the admin view of her own node A.
  const pageA = await browser.newPage({ viewport: { width: 390, height: 844 }, locale: 'en-GB' })
  pageA.on('pageerror', (e) => errors.push(e.message))
  await pageA.goto(loginUrl(na))
  await pageA.waitForSelector('#decide button[data-act="ApproveCommitment"]')
  await pageA.click('#decide button[data-act="ApproveCommitment"]')
  await waitFor('the approval on node B', async () => ((await get(nb, '/api/purchases/Verdure')).commitments as Row[]).some((c) => c.name === 'Marta' && c.status === 'approved'))
  t.pass('approved on A\'s admin view, seen on B')
  await pageA.close()
  await page.waitForFunction(() => document.querySelectorAll('#statement .ok').length === 2)
  t.pass('both movements shown as confirmed on the page')

  fs.mkdirSync(ARTIFACTS, { recursive: true })
  const shot = async (p: Page, name: string): Promise<void> => { await p.screenshot({ path: path.join(ARTIFACTS, name), fullPage: true }) }
  await shot(page, 'member-it.png')
  // Bruno, logged in on node B with his one-time link, records a deposit; node A sees it.
  const pageB = await browser.newPage({ viewport: { width: 390, height: 844 }, locale: 'it-IT' })
  pageB.on('pageerror', (e) => errors.push(e.message))
  const textB = async (sel: string): Promise<string> => ((await pageB.textContent(sel)) ?? '').replace(/\u00a0/g, ' ').trim()
  await pageB.goto(loginUrl(nb))
  await pageB.waitForSelector('#cash')
  await pageB.selectOption('#cash-member', { label: 'Marta' })
  await pageB.fill('#cash-amount', '5')
  await pageB.click('#dep')
  await waitFor('the page deposit on node A', async () => (await get(na, '/api/members/Marta')).creditCents === 1750)
  await pageB.waitForFunction(() => document.querySelector('#msg')?.textContent?.includes('Versamento di') === true)
  t.ok((await textB('#msg')).includes('Versamento di 5,00 € da Marta'), 'the admin page answers a deposit with its receipt')
  t.ok((await textB('#msg')).includes('la tua cassa: 5,00 €'), 'with the cash after it')
  t.is(await pageB.inputValue('#cash-amount'), '', 'the amount is emptied: a second tap records nothing twice')
  t.pass('a deposit recorded on B\'s admin view reaches A')
  await pageB.waitForFunction(() => document.querySelector('#cash')?.textContent?.includes('5,00') === true)
  await pageB.waitForFunction(() => /Marta.*17,50/.test(document.querySelector('#members')?.textContent ?? ''))
  t.pass('the admin view lists every member\'s credit, Marta\'s with the deposit')
  // A withdrawal from the page carries its reason, as `withdraw --reason` does; deposited back for what follows.
  await pageB.fill('#cash-amount', '1')
  await pageB.fill('#cash-reason', 'resto sbagliato')
  await pageB.dblclick('#wd')
  await waitFor('the withdrawal on node A', async () => (await get(na, '/api/members/Marta')).creditCents === 1650)
  await new Promise((resolve) => setTimeout(resolve, 1500))
  t.is((await get(nb, '/api/members/Marta')).creditCents, 1650, 'a double tap withdraws once: the second tap, while the first is on its way, sends nothing')
  t.ok(JSON.stringify(cli(a, 'log')).includes('resto sbagliato'), 'the withdrawal\'s reason is in the log')
  t.is(await pageB.inputValue('#cash-reason'), '', 'and emptied with the amount')
  cli(b, 'deposit', 'Marta', '1')
  await shot(pageB, 'admin-it.png')
  // lit-html (issue 15): a live update changes what changed and keeps what Bruno is typing and
  // has selected; a name made of markup is shown as text, never parsed.
  cli(a, 'member', 'add', '<img src=x onerror=alert(1)>Zoe', String(cli(a, 'keygen').publicKey))
  await pageB.waitForFunction(() => [...document.querySelectorAll('#cash-member option')].some((o) => o.textContent?.includes('Zoe') === true), undefined, { timeout: 60_000 })
  await pageB.selectOption('#cash-member', { label: 'Marta' })
  await pageB.fill('#cash-amount', '3,2')
  await act(na, { type: 'Deposit', member: 'Anna', cents: 100 })
  await pageB.waitForFunction(() => document.querySelector('#cash')?.textContent?.includes('21,00') === true, undefined, { timeout: 60_000 })
  t.is(await pageB.inputValue('#cash-amount'), '3,2', 'a half-typed amount survives a live update')
  t.is(await pageB.$eval('#cash-member', (e) => (e as HTMLSelectElement).selectedOptions[0].textContent), 'Marta', 'and so does the selection')
  t.is(await pageB.$$eval('img', (l) => l.length), 0, 'markup in a name is text')
  t.ok(((await pageB.textContent('#cash-member')) ?? '').includes('<img src=x onerror=alert(1)>Zoe'), 'shown as typed')
  await pageB.click('#lang-en')
  // The tabs are relabelled before the view is re-rendered: wait for the view itself.
  await pageB.waitForFunction(() => document.querySelector('#cash')?.textContent?.includes('€5.00') === true)
  t.ok((await textB('#cash')).includes('€21.00'), 'English format after switching')
  t.is(await pageB.evaluate(() => document.documentElement.lang), 'en', 'the page says its language (<html lang>)')
  await shot(pageB, 'admin-en.png')
  await page.click('#lang-en')
  await page.waitForFunction(() => document.querySelector('#credit')?.textContent?.includes('17.50') === true)
  t.is(await text('#credit'), '€17.50')
  await shot(page, 'member-en.png')
  // Orders by product (issue 16): a catalogue opened on A reaches Marta's phone; she books by
  // quantity, signing in the browser, and A holds her booking at the catalogue's price.
  const csvFile = path.join(base, 'listino.csv')
  fs.writeFileSync(csvFile, 'name;unit;price;min;mul;max\nToma;kg;18,90;0,5;0,5;\nBurro;panetto;3,20;;;6\nMele;kg;2,00;1;0,5;\nParmigiano Reggiano stagionato;kg;24,50;;;\n')
  cli(a, 'deposit', 'Marta', '50')
  cli(a, 'purchase', 'open', 'Formaggi', '--catalogue', csvFile)
  await page.waitForSelector('.purchase .book', { timeout: 60_000 })
  await page.fill('input.qty[data-product="toma"]', '1.5')
  const burro = 'td.stepper:has(input.qty[data-product="burro"])'
  await page.click(`${burro} .plus`)
  await page.click(`${burro} .plus`)
  t.is(await page.inputValue('input.qty[data-product="burro"]'), '2', 'the stepper adds one butter at a time')
  t.ok((await text('.purchase .catalogue')).includes('max 6'), 'a member reads the most they may book before booking')
  await page.fill('input.qty[data-product="burro"]', '6')
  await page.click(`${burro} .plus`)
  t.is(await page.inputValue('input.qty[data-product="burro"]'), '6', '+ stops at the most a member may book')
  await page.fill('input.qty[data-product="burro"]', '2')
  const mele = 'td.stepper:has(input.qty[data-product="mele"])'
  await page.click(`${mele} .plus`)
  t.is(await page.inputValue('input.qty[data-product="mele"]'), '1', '+ goes up to the minimum (1 kg)')
  await page.click(`${mele} .minus`)
  t.is(await page.inputValue('input.qty[data-product="mele"]'), '0', '− from the minimum goes to 0, not to 0,5 kg that no booking takes')
  await page.fill('input.qty[data-product="mele"]', '1.25')
  await page.click(`${mele} .plus`)
  t.is(await page.inputValue('input.qty[data-product="mele"]'), '1.5', '+ from a typed 1.25 kg goes to the next half kilo, not to 1.75 that the node refuses')
  await page.fill('input.qty[data-product="mele"]', '')
  t.ok((await text('.purchase .running')).includes('€34.75'), `the running total: ${await text('.purchase .running')}`)
  await page.click('.purchase .book')
  let booking: Row | undefined
  await waitFor('the booking on node A', async () => {
    const order = (await get(na, '/api/purchases/Formaggi')).order as Row
    booking = (order.bookings as Row[]).find((b) => b.name === 'Marta')
    return booking !== undefined
  })
  t.alike((booking!.lines as Row[]).map((l) => [l.product, l.qtyMilli, l.cents]), [['burro', 2000, 640], ['toma', 1500, 2835]], 'booked from the phone: 1,5 kg of toma at 18,90, two butters')
  await page.waitForFunction(() => document.querySelector('.purchase[data-purchase] .catalogue')?.textContent?.includes('1.5') === true, undefined, { timeout: 60_000 })
  t.pass('the page shows the booking')
  await shot(page, 'booking-en.png')
  // On a 390-pixel phone the steppers are within reach, no sideways scrolling.
  const catalogueFits = await page.evaluate(() => { const x = document.querySelector('.purchase .catalogue') as HTMLElement; return x.scrollWidth <= x.parentElement!.clientWidth + 1 ? 'fits' : `${x.scrollWidth}/${x.parentElement!.clientWidth}` })
  t.is(catalogueFits, 'fits', 'the catalogue with its steppers fits the phone')
  // Book again with nothing changed (the fields show the booking): nothing is sent, so an approval
  // is not asked for again; a second tap meanwhile sends nothing either.
  const acts = Number((await get(nb, '/api/log?limit=1')).total)
  await new Promise((resolve) => setTimeout(resolve, 1100))
  await page.click('.purchase .book')
  await page.waitForFunction(() => document.getElementById('msg')?.textContent?.includes('already') === true, undefined, { timeout: 10_000 })
  t.is(Number((await get(nb, '/api/log?limit=1')).total), acts, `the same booking again is not sent: ${await text('#msg')}`)

  // Transfers (issue 17): Nino, on his phone against node A, pays Marta 1 € for eggs; Marta,
  // on hers against node B, is told and accepts. Each signs in their own browser.
  cli(a, 'deposit', 'Nino', '5')
  const nino = await (await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'it-IT' })).newPage()
  nino.on('pageerror', (e) => errors.push(e.message))
  const ninoText = async (sel: string): Promise<string> => ((await nino.textContent(sel)) ?? '').replace(/\u00a0/g, ' ').trim()
  await nino.goto(String(cli(a, 'link', 'Nino').url).replace(/^http:\/\/[^/]+/, na.url.replace('127.0.0.1', 'gas-a.test')))
  await nino.waitForSelector('#credit')
  await nino.fill('#key', fs.readFileSync(ninoKey, 'utf8'))
  await nino.click('#usekey')
  await nino.waitForSelector('#pay:not([disabled])', { timeout: 10_000 })
  await nino.fill('#to-name', 'marta')
  await nino.fill('#to-amount', '1')
  await nino.fill('#to-memo', 'uova')
  // Enter in the amount presses nothing: pay and ask move money opposite ways.
  await nino.evaluate(() => { for (const id of ['pay', 'ask']) document.getElementById(id)!.addEventListener('click', () => { document.body.dataset.pressed = id }) })
  await nino.press('#to-amount', 'Enter')
  t.is(await nino.evaluate(() => document.body.dataset.pressed ?? 'none'), 'none', 'Enter chose neither pay nor ask')
  await nino.click('#pay')
  await nino.waitForSelector('#member-notices .n-awaiting', { timeout: 60_000 })
  t.ok((await ninoText('#member-notices')).includes('1,00 € a Marta'), `Nino waits for Marta: ${await ninoText('#member-notices')}`)
  await page.waitForSelector('.transfer .accept:not([disabled])', { timeout: 60_000 })
  t.ok((await text('#member-notices')).includes('Nino sends you €1.00'), `Marta is told, on another node: ${await text('#member-notices')}`)
  t.ok((await text('.transfer')).includes('uova'), 'with what it is for')
  await shot(page, 'transfer-en.png')
  await page.click('.transfer .accept')
  await waitFor('the accepted transfer on node A', async () => ((await get(na, '/api/members/Marta')).statement as Row[]).some((m) => m.kind === 'transfer-in' && m.deltaCents === 100))
  // The list closes up under the finger: the focus is on the message, not on the next row's button.
  await page.waitForFunction(() => document.activeElement?.id === 'msg', undefined, { timeout: 10_000 })
  t.pass('after accepting, the focus is on the message that says so')
  await nino.waitForFunction(() => document.querySelector('#statement')?.textContent?.includes('-1,00') === true, undefined, { timeout: 60_000 })
  t.pass('paid from one phone on node A, accepted from another on node B: the credit moved on both nodes')
  t.absent(await nino.$('#member-notices .n-awaiting'), 'nothing left pending')
  await shot(nino, 'transfer-it.png')
  await nino.close()

  // The directory (issue 17): a supplier registered on A is found from the phone, despite a typo.
  cli(a, 'supplier', 'add', 'Orto', 'Bio', '--categories', 'organic-vegetables')
  await waitFor('the supplier on node B', async () => ((await (await fetch(`${nb.url}/api/search?q=orto`)).json()) as Row[]).length === 1)
  await page.fill('#search', 'vegetalbes')
  await page.click('#search-go')
  await page.waitForFunction(() => document.querySelector('#search-results')?.textContent?.includes('Orto Bio') === true)
  t.pass('the phone\'s search finds "Orto Bio" from "vegetalbes"')
  // Her own listing (SPEC §4.7), signed with her key on the phone: one entry per line, a blank line and a repeat left out.
  await page.fill('#offers', 'lezioni di cucito\n\nLezioni di cucito\nuova ')
  await page.fill('#wants', 'miele')
  // On a slow network the page says the act is on its way, in place of the last message.
  await page.route('**/api/acts/signed', async (route) => { await new Promise((resolve) => setTimeout(resolve, 1500)); await route.continue() })
  await page.click('#save-listing')
  await page.waitForFunction(() => document.getElementById('msg')?.textContent === 'Sending…', undefined, { timeout: 5_000 })
  t.pass('a slow act is said to be on its way')
  await waitFor('Marta\'s listing on node A', async () => JSON.stringify((await get(na, '/api/members/Marta')).listing) === JSON.stringify({ offers: ['lezioni di cucito', 'uova'], wants: ['miele'] }))
  await page.unroute('**/api/acts/signed')
  await page.waitForFunction(() => (document.getElementById('offers') as HTMLTextAreaElement | null)?.value === 'lezioni di cucito\nuova', undefined, { timeout: 60_000 })
  t.pass('Marta publishes what she offers and looks for from her phone; node A has it, and her page shows it as published')
  await page.locator('#listing').screenshot({ path: path.join(ARTIFACTS, 'listing-en.png') })

  // Anna, the referente, on her node's admin view: approves, closes the bookings, records the
  // delivery (1,62 kg of toma weighed, one butter missing) and shares the transport.
  const anna = await browser.newPage({ viewport: { width: 390, height: 844 }, locale: 'it-IT' })
  anna.on('pageerror', (e) => errors.push(e.message))
  await anna.goto(loginUrl(na))
  await anna.waitForSelector('#decide button[data-act="ApproveCommitment"]')
  // The price list, on the referente's page while bookings are open: a new price for later bookings (SetPrice).
  await anna.click('details.prices summary')
  await anna.fill('input.price[data-product="mele"]', '2,20')
  await anna.click('tr:has(input.price[data-product="mele"]) .set-price')
  await waitFor('the new price on node B', async () => ((((await get(nb, '/api/purchases/Formaggi')).order as Row).products as Row[]).find((x) => x.key === 'mele')?.priceCents as number) === 220)
  t.pass('a price set from the admin page reaches node B')
  const [gdxpFile] = await Promise.all([anna.waitForEvent('download', { timeout: 15_000 }), anna.click('.orders .gdxp')]).catch(async (err) => { t.comment(`the page says: ${(await anna.textContent('#msg')) ?? ''} | ${await anna.locator('.orders .gdxp').count()} buttons`); throw err })
  type GdxpProduct = { sku: string, orderInfo: { umPrice: number }, bookingInfo: { totalQty: number } }
  const order = JSON.parse(fs.readFileSync(await gdxpFile.path(), 'utf8')) as { blocks: Array<{ supplier: { products: GdxpProduct[] } }> }
  t.is(gdxpFile.suggestedFilename(), 'Formaggi.gdxp.json')
  t.alike(order.blocks[0].supplier.products.filter((x) => x.bookingInfo.totalQty > 0).map((x) => [x.sku, x.orderInfo.umPrice, x.bookingInfo.totalQty]), [['burro', 3.2, 2], ['toma', 18.9, 1.5]], 'the order for the supplier downloads as GDXP from the admin page')
  await anna.click('#decide button[data-act="ApproveCommitment"]')
  await anna.waitForSelector('.orders .close-bookings')
  await anna.click('.orders .close-bookings')
  await anna.waitForSelector('.delivery[data-member="Marta"] .deliver:not([disabled])', { timeout: 60_000 })
  const martaOnB = async (): Promise<Row | undefined> => (((await get(nb, '/api/purchases/Formaggi')).order as Row).bookings as Row[]).find((x) => x.name === 'Marta')
  // The toma weighed first; the butter, left empty, as booked.
  await anna.fill('.delivery[data-member="Marta"] input.dq[data-product="toma"]', '1,62')
  await anna.click('.delivery[data-member="Marta"] .deliver')
  await waitFor('the toma\'s delivery on node B', async () => (await martaOnB())?.amountCents === 3062 + 640)
  // Then the butter alone: the toma's field, emptied, keeps the weight recorded (it used to send
  // the booked 1,5 kg).
  const toma = '.delivery[data-member="Marta"] input.dq[data-product="toma"]'
  await anna.fill(toma, '')
  await anna.waitForFunction((sel) => (document.querySelector(sel) as HTMLInputElement | null)?.placeholder === '1,62', toma, { timeout: 60_000 })
  await anna.fill('.delivery[data-member="Marta"] input.dq[data-product="burro"]', '1')
  await anna.fill('.delivery[data-member="Marta"] input.dp[data-product="burro"]', '3,50')
  await anna.click('.delivery[data-member="Marta"] .deliver')
  await waitFor('the butter\'s delivery on node B', async () => (await martaOnB())?.amountCents === 3062 + 350)
  t.pass('delivered on A\'s page in two steps, seen on B: 1,62 kg × 18,90 = 30,62 + one butter at the price of the delivery, 3,50')
  await anna.fill('.costs .cost-label', 'Trasporto')
  await anna.fill('.costs .cost-amount', '1,50')
  await anna.click('.costs .add-cost')
  await waitFor('the shared cost on node B', async () => (((await get(nb, '/api/purchases/Formaggi')).order as Row).totalCents as number) === 3062 + 350 + 150)
  t.pass('the transport shared from the page')
  // The list exists since the bookings closed; wait until the page has re-read the delivery.
  await anna.waitForFunction(() => document.querySelector('.orders .pickup')?.textContent?.includes('1,62') === true, undefined, { timeout: 60_000 })
  t.pass('the pick-up list shows what was delivered')
  await shot(anna, 'delivery-it.png')
  // The year's accounts on the same admin view (issue 17): totals, balances, the invariant, the chart.
  await anna.waitForSelector('#report-chart canvas', { timeout: 30_000 })
  t.ok(((await anna.textContent('#report-totals')) ?? '').includes('Versamenti'), 'the report\'s totals by kind')
  t.is(await anna.getAttribute('#report-holds', 'class'), 'ok', 'the accounts balance')
  const moves = async (): Promise<string> => ((await anna.textContent('#report-rows')) ?? '')
  t.ok((await moves()).includes('Marta'), 'every movement of the cash, with who')
  const reportCsv = await anna.evaluate(async () => await (await fetch('/api/report.csv?lang=it', { headers: { 'x-hypergas-session': localStorage.getItem('hypergas.sessionKey') ?? '' } })).text())
  t.ok(reportCsv.split('\n')[0].includes(';'), 'its CSV for an Italian spreadsheet')
  await anna.locator('#report').screenshot({ path: path.join(ARTIFACTS, 'report-it.png') })
  await anna.fill('#report-from', '2099-01-01')
  await anna.fill('#report-to', '2099-12-31') // (a period from a day to come with no end is refused: a year typed wrong)
  await anna.click('#report-show')
  await anna.waitForFunction(() => document.querySelector('#report-rows')?.querySelectorAll('tr').length === 1)
  t.pass('a period with nothing in it shows no movement')
  // A period that ends before it starts is refused, and not kept: the page goes on showing what is recorded.
  await anna.fill('#report-from', '2026-12-31')
  await anna.fill('#report-to', '2026-01-01')
  await anna.click('#report-show')
  await anna.waitForFunction(() => document.querySelector('#msg')?.classList.contains('bad') === true)
  cli(a, 'deposit', 'Nino', '2')
  await anna.waitForFunction(() => [...document.querySelectorAll('#members tr')].some((r) => (r as HTMLTableRowElement).cells[0]?.textContent === 'Nino' && (r as HTMLTableRowElement).cells[2]?.textContent?.startsWith('6,00') === true), undefined, { timeout: 30_000 })
  t.pass('after a refused period, a deposit still shows on the admin view')
  await anna.close()
  // The purchase closes: Marta's order stays hers to read, booked vs delivered (SPEC §7).
  cli(a, 'vote-close', 'Formaggi')
  cli(a, 'close', 'Formaggi')
  // A price list loaded from Anna's admin page on A: what the file asks and hypergas does not
  // apply (a supplier's discount rule) is said there, as the CLI says it.
  cli(a, 'purchase', 'open', 'Campo')
  const adminA = await browser.newPage({ viewport: { width: 390, height: 844 }, locale: 'it-IT' })
  adminA.on('pageerror', (e) => errors.push(e.message))
  await adminA.goto(loginUrl(na))
  await adminA.waitForSelector('.catalogue-file')
  // The purchase closed: its referente still finds it on the page, with what the supplier was paid.
  await adminA.click('#past summary')
  const past = (await adminA.innerText('#past')).replace(/\s+/g, ' ')
  t.ok(/Formaggi .*chiuso \d+,\d\d €/.test(past), `the closed purchase among the past ones: ${past}`)
  const gdxp = { protocolVersion: 1, creationDate: '2026-01-01', applicationSignature: 'test', subject: { name: 'Campo' }, blocks: [{ supplier: { name: 'Cascina Verde', vatNumber: '', transformations: [{ type: 'discount' }], products: [{ name: 'Carote', um: 'kg', orderInfo: { umPrice: 2.1 } }, { name: 'Rape', um: 'kg', active: false, orderInfo: { umPrice: 1 } }] } }] }
  await adminA.setInputFiles('.catalogue-file', { name: 'orto.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(gdxp)) })
  await adminA.waitForFunction(() => document.querySelector('#msg')?.textContent?.includes('non applicat') === true, undefined, { timeout: 30_000 })
  t.ok((await adminA.textContent('#msg'))?.startsWith('Importato 1 prodotto (1 lasciati fuori). lasciati fuori: Rape (non attivo). non applicata: 1 regola di sconto o trasporto del fornitore'), `the page says which product it left out and why, and what it did not apply: ${await adminA.textContent('#msg')}`)
  await adminA.close()

  // Another phone opened with a personal link: revoking Marta's links ends its session at once.
  const other = await (await browser.newContext({ viewport: { width: 390, height: 844 } })).newPage()
  other.on('pageerror', (e) => errors.push(e.message))
  await other.goto(phoneUrl(String(cli(b, 'link', 'Marta').url)))
  await other.waitForSelector('#credit', { timeout: 30_000 }).catch(async (err) => { t.comment(`the second phone says: ${(await other.textContent('body')) ?? ''} ${errors.join(' | ')}`); throw err })
  const otherFetch = async (): Promise<number> => await other.evaluate(async () => (await fetch('/api/members/Marta', { headers: { 'x-hypergas-session': localStorage.getItem('hypergas.sessionKey') ?? '' } })).status)
  t.is(await otherFetch(), 200, 'the second phone reads her data')
  await other.waitForFunction(() => /Formaggi.*1[,.]62/.test(document.querySelector('#orders')?.textContent ?? ''), undefined, { timeout: 60_000 })
  t.pass('the closed purchase among her past orders, with what was delivered')
  t.ok((await other.textContent('#orders'))?.includes('Burro × €3.50'), `with the price of a product delivered at another price than booked: ${await other.textContent('#orders')}`)
  // On a 390-pixel phone her statement and her orders fit the screen: no column out of reach.
  const overflow = await other.evaluate(() => ['#statement', '#orders'].map((q) => { const x = document.querySelector(q) as HTMLElement; return `${q} ${x.scrollWidth}/${x.parentElement!.clientWidth}` }))
  t.ok(overflow.every((o) => { const [w, box] = o.split(' ')[1].split('/').map(Number); return w <= box }), `tables within the screen: ${overflow.join(', ')}`)
  cli(b, 'link', 'Marta', '--revoke')
  t.is(await otherFetch(), 401, 'the revoked link reads nothing')
  await other.reload()
  await other.waitForFunction(() => document.querySelector('#msg')?.textContent?.includes('personal link is not valid') === true, undefined, { timeout: 30_000 }).catch(async (err) => { t.comment(`the revoked phone says: ${(await other.textContent('body')) ?? ''}`); throw err })
  t.pass('the phone says its link is no longer valid, not just the login help')
  // A shared phone: Nino's link opened on Marta's page, the switch accepted. Her key and her link
  // go with her login, so that nothing kept in the browser logs in as her later.
  t.ok(await page.evaluate(() => localStorage.getItem('hypergas.seed') !== null), 'Marta\'s key is loaded on her phone')
  // A link that does not log in (revoked, another node's), opened once her session is forgotten
  // (as after a restart of the node), changes no one: her key stays.
  await page.evaluate(() => { localStorage.removeItem('hypergas.sessionKey') })
  await page.goto(phoneUrl(`${nb.url}/#link=${'ab'.repeat(32)}`))
  await page.waitForFunction(() => document.querySelector('#msg')?.textContent?.includes('not valid') === true, undefined, { timeout: 30_000 })
  t.ok(await page.evaluate(() => localStorage.getItem('hypergas.seed') !== null), 'a link that failed to log in leaves her key')
  page.once('dialog', (d) => { void d.accept() })
  await page.goto(phoneUrl(String(cli(b, 'link', 'Nino').url)))
  await page.waitForFunction(() => document.querySelector('main')?.textContent?.includes('Nino.') === true, undefined, { timeout: 30_000 })
  t.alike(await page.evaluate(() => [localStorage.getItem('hypergas.seed'), localStorage.getItem('hypergas.member')]), [null, null], 'Marta\'s key is gone from the browser')
  // Logging out on the phone: nothing personal is left in the page's reach, not even the last receipt.
  await page.fill('#key', 'not a key')
  await page.click('#usekey')
  await page.waitForFunction(() => (document.getElementById('msg')?.textContent ?? '') !== '', undefined, { timeout: 10_000 })
  await page.click('#logout')
  await page.waitForSelector('#login-help')
  t.is(await page.textContent('#msg'), '', 'the last receipt is gone with the login')
  t.is(await phoneFetch('/api/members/Nino'), 401, 'logged out')
  t.alike(errors, [], 'no script error in the page')
})

test('under --public name, a member\'s page follows live updates once she logs in (SPEC §7)', { timeout: 120_000 }, async (t) => {
  const chrome = await findChromium()
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'hypergas-webpub-'))
  const a = path.join(base, 'a')
  cli(a, 'init', '--name', 'GAS Solo', '--founder', 'Anna')
  const keyFile = path.join(base, 'marta.json')
  cli(a, 'member', 'add', 'Marta', String(cli(a, 'keygen', '--out', keyFile).publicKey))
  cli(a, 'purchase', 'open', 'Verdure')
  // The phone reaches the node by a name, as another device on the LAN does (not as local).
  const args = ['--no-swarm', '--public', 'name', '--allow-host', 'gas-pub.test']
  let n = await startNode('pub', a, null, { args })
  const phoneUrl = (u: string): string => u.replace(/^http:\/\/[^/]+/, n.url.replace('127.0.0.1', 'gas-pub.test'))
  const browser = await chromium.launch({ executablePath: chrome.executablePath, headless: true, args: [...chrome.args, '--host-resolver-rules=MAP gas-pub.test 127.0.0.1'] })
  t.teardown(async () => {
    await browser.close()
    await stopNode(n)
    fs.rmSync(base, { recursive: true, force: true })
  })
  const page = await browser.newPage({ viewport: { width: 390, height: 844 }, locale: 'it-IT' })
  const errors: string[] = []
  page.on('pageerror', (e) => errors.push(e.message))
  await page.goto(phoneUrl(n.url))
  await page.waitForSelector('#login-help', { timeout: 10_000 }).catch(async (err) => { t.comment(`page: ${(await page.textContent('body')) ?? ''} | ${errors.join(' | ')}`); throw err })
  t.is(await page.textContent('#title'), 'GAS Solo', 'the group\'s name, and nothing more')
  t.absent((await page.textContent('main'))?.includes('Verdure'), 'no purchase shown before a login')
  t.ok(((await page.textContent('#members-only')) ?? '').includes('solo ai soci'), 'the page says why, in the phone\'s language')
  t.ok(await page.isVisible('#key'), 'and offers to load a key')
  const status = async (p: string): Promise<number> => await page.evaluate(async (u) => (await fetch(u, { headers: { 'x-hypergas-session': localStorage.getItem('hypergas.sessionKey') ?? '' } })).status, p)
  t.is(await status('/api/purchases'), 401, 'the purchases need a login')
  // The stream of updates answers at once (its headers) when it is allowed: only its status is read.
  const events = async (): Promise<number> => await page.evaluate(async () => {
    const c = new AbortController()
    const r = await fetch('/api/events', { headers: { 'x-hypergas-session': localStorage.getItem('hypergas.sessionKey') ?? '' }, signal: c.signal })
    c.abort()
    return r.status
  })
  t.is(await events(), 401, 'and so does the stream of updates')
  // Marta opens her personal link on the same page: she is logged in, and the page follows.
  await page.goto(phoneUrl(String(cli(a, 'link', 'Marta').url)))
  await page.waitForSelector('#credit')
  t.is(await events(), 200, 'the stream is hers once logged in')
  t.ok((await page.textContent('main'))?.includes('Verdure'), 'the open purchase, once logged in')
  // A deposit made after the page opened shows up without a reload, well before the 30 s retry
  // a refused stream waits.
  await act(n, { type: 'Deposit', member: 'Marta', cents: 1500 })
  await page.waitForFunction(() => document.querySelector('#credit')?.textContent?.includes('15,00') === true, undefined, { timeout: 15_000 })
  t.pass('the deposit appears live on the logged-in page')
  // A commitment beyond her credit, signed with her key: refused in Italian, with the figures.
  await page.fill('#key', fs.readFileSync(keyFile, 'utf8'))
  await page.click('#usekey')
  await page.waitForSelector('.purchase .commit:not([disabled])', { timeout: 10_000 })
  await page.fill('.purchase .amount', '50')
  await page.click('.purchase .commit')
  await page.waitForFunction(() => (document.querySelector('#msg') as HTMLElement | null)?.dataset.code === 'INSUFFICIENT_CREDIT', undefined, { timeout: 10_000 })
  const msg = ((await page.textContent('#msg')) ?? '').replace(/\u00a0/g, ' ')
  t.ok(msg.includes('Marta ha 15,00 € di credito, ne servono 50,00 €') && !msg.includes('hypergas') && !msg.includes('INSUFFICIENT_CREDIT'), `the refusal in Italian, without a command line or a code: ${msg}`)
  // An amount the page itself cannot read: refused in Italian too, before anything is signed.
  await page.fill('.purchase .amount', '12,5x')
  await page.click('.purchase .commit')
  await page.waitForFunction(() => (document.querySelector('#msg') as HTMLElement | null)?.dataset.code === 'BAD_AMOUNT', undefined, { timeout: 10_000 })
  const typo = (await page.textContent('#msg')) ?? ''
  t.ok(typo.includes('serve un importo in euro') && typo.includes('12,5x'), `a mistyped amount in Italian: ${typo}`)
  // The node restarts on its port and forgets every login (README): the open page logs in again
  // with the link it keeps and shows a deposit made after the restart (it kept the old credit).
  // An admin's browser on another device, logged in with a one-time link, shows the cash desk.
  const admin = await (await browser.newContext({ viewport: { width: 1024, height: 800 }, locale: 'en-GB' })).newPage()
  await admin.goto(phoneUrl(String(cli(a, 'login').url)))
  await admin.waitForSelector('#cash')
  // Every field has a name a screen reader says (an audit found the cash desk's and the booking boxes without one).
  const unnamed = async (p: typeof page): Promise<string[]> => await p.evaluate(() => [...document.querySelectorAll('input, select, textarea')].filter((e) => (e as HTMLInputElement).type !== 'hidden' && e.getAttribute('aria-label') === null && e.closest('label') === null && (e.id === '' || document.querySelector(`label[for="${e.id}"]`) === null)).map((e) => e.id || e.className || e.tagName))
  t.alike(await unnamed(admin), [], 'the admin\'s page: every field named')
  t.alike(await unnamed(page), [], 'the member\'s page: every field named')
  const port = new URL(n.url).port
  await stopNode(n)
  n = await startNode('pub2', a, null, { args: [...args, '--port', port] })
  await act(n, { type: 'Deposit', member: 'Marta', cents: 200 })
  await page.waitForFunction(() => document.querySelector('#credit')?.textContent?.includes('17,00') === true, undefined, { timeout: 60_000 })
  t.pass('after the restart, the page logged in again by itself and shows 17,00')
  // The admin's login ended with the restart: the page drops the admin's view (no credits, no buttons that cannot act) and says so.
  await admin.waitForFunction(() => document.querySelector('#msg')?.textContent?.includes('admin login has ended') === true, undefined, { timeout: 60_000 })
  t.ok(await admin.isHidden('#cash') && await admin.isHidden('#tab-admin'), 'the admin\'s page, after the restart: no cash desk, no admin tab, and why')
  // A long price list folds away on the phone, with a search box (an audit's GDXP catalogue of
  // 2,000 products made the page 100,000 pixels long).
  const bigCsv = path.join(base, 'grande.csv')
  fs.writeFileSync(bigCsv, 'name;unit;price\n' + Array.from({ length: 40 }, (_, i) => `Prodotto ${i + 1};kg;1,00\n`).join(''))
  cli(a, 'purchase', 'open', 'Grande', '--catalogue', bigCsv)
  const grande = page.locator('.purchase', { hasText: 'Grande' })
  await grande.locator('details.catalogue-list').waitFor({ state: 'attached', timeout: 30_000 })
  t.ok(((await grande.locator('summary').textContent()) ?? '').includes('listino: 40 prodotti'), 'folded, with how many products')
  t.absent(await grande.locator('details.catalogue-list').evaluate((d) => (d as HTMLDetailsElement).open), 'closed until opened or searched')
  await grande.locator('input.filter').fill('prodotto 37')
  const shown = await grande.locator('tr[data-name]').evaluateAll((rows) => rows.filter((r) => !(r as HTMLElement).hidden).map((r) => r.textContent ?? ''))
  t.ok(shown.length === 1 && shown[0].includes('Prodotto 37'), `the search shows the one product: ${shown.length} rows`)
  t.ok(await grande.locator('details.catalogue-list').evaluate((d) => (d as HTMLDetailsElement).open), 'and opens the list')
  t.alike(errors, [], 'no script error in the page')
})
