/**
 * {@link NodeApi} over HTTP: how the CLI talks to a running node (SPEC §7). Errors the node
 * answers with come back as {@link HypergasError} with the same code.
 */
import { HypergasError, type HypergasCode, type RefusalDetails } from '../errors.js'
import type { ActRequest, ImportSummary, LinkResult, NodeApi, NoticesView } from '../api/api.js'
import type { PurchaseSummary, PurchaseView, StatusView, TransferView } from '../api/dto.js'
import type { MemberId } from '../ids.js'
import type { Report } from '../api/report.js'
import type { SearchHit } from '../api/directory.js'
import type { ActReceipt } from '../api/receipt.js'
import type { LogView } from '../api/log-view.js'
import type { MemberSummary, MemberView } from '../api/views.js'
import type { DigestSent } from '../api/mail.js'

/** Client of a node's HTTP API. */
export class HttpApi implements NodeApi {
  constructor (private readonly base: string, private readonly token: string) {}

  private async call<T> (method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    let res: Response
    let json: { error?: { code: string, message: string, details?: RefusalDetails } }
    try {
      res = await fetch(this.base + path, {
        method,
        headers: { authorization: `Bearer ${this.token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body)
      })
      json = await res.json() as typeof json
    } catch {
      // The node stopped (or was killed) before it answered: an act sent may or may not be in its feed.
      const acting = method === 'POST'
      throw new HypergasError('NOT_RUNNING', acting ? 'the running node stopped before it answered: start it again and see with hypergas log whether the act was recorded' : 'the running node stopped before it answered: start it again with hypergas start', { variant: acting ? 'stoppedAct' : 'stopped' })
    }
    if (!res.ok) {
      const e = json.error ?? { code: 'INTERNAL', message: `HTTP ${res.status} ${res.statusText}` }
      // The node answers its own codes; one this build does not know (a newer node) stays as sent.
      throw new HypergasError(e.code as HypergasCode, e.message, e.details)
    }
    return json as T
  }

  async status (): Promise<StatusView> { return await this.call('GET', '/api/status') }
  async members (): Promise<MemberSummary[]> { return await this.call('GET', '/api/members') }
  async member (ref: string): Promise<MemberView> { return await this.call('GET', `/api/members/${encodeURIComponent(ref)}`) }
  async purchases (): Promise<PurchaseSummary[]> { return await this.call('GET', '/api/purchases') }
  async purchase (ref: string): Promise<PurchaseView> { return await this.call('GET', `/api/purchases/${encodeURIComponent(ref)}`) }
  async log (offset: number, limit: number): Promise<LogView> { return await this.call('GET', `/api/log?offset=${offset}&limit=${limit}`) }
  async act (req: ActRequest): Promise<ActReceipt> { return await this.call('POST', '/api/acts', req) }
  async actAll (reqs: ActRequest[]): Promise<ActReceipt[]> { return await this.call('POST', '/api/acts/batch', { acts: reqs }) }
  async importCatalogue (purchase: string, text: string): Promise<ImportSummary> { return await this.call('POST', `/api/purchases/${encodeURIComponent(purchase)}/catalogue`, { text }) }
  async notices (ref: string | null): Promise<NoticesView> { return await this.call('GET', `/api/notices${ref === null ? '' : `?member=${encodeURIComponent(ref)}`}`) }
  async sendNotices (): Promise<DigestSent[]> { return await this.call('POST', '/api/notices/send', {}) }
  async report (fromMs: number | null, toMs: number | null): Promise<Report> { return await this.call('GET', `/api/report?${fromMs === null ? '' : `from=${fromMs}&`}${toMs === null ? '' : `to=${toMs}`}`) }
  async search (query: string, listings: boolean): Promise<SearchHit[]> { return await this.call('GET', `/api/search?q=${encodeURIComponent(query)}${listings ? '' : '&listings=false'}`) }
  async matches (ref: string): Promise<Array<{ for: string, kind: 'want' | 'offer', hits: SearchHit[] }>> { return await this.call('GET', `/api/matches?member=${encodeURIComponent(ref)}`) }
  async transfers (): Promise<TransferView[]> { return await this.call('GET', '/api/transfers') }
  async payee (name: string): Promise<{ id: MemberId, name: string }> { return await this.call('GET', `/api/payee?name=${encodeURIComponent(name)}`) }
  async signedAct (hexBytes: string): Promise<ActReceipt> { return await this.call('POST', '/api/acts/signed', { act: hexBytes }) }
  async setOnline (online: boolean): Promise<{ online: boolean }> { return await this.call('POST', '/api/swarm', { online }) }
  async link (ref: string, revoke: boolean): Promise<LinkResult> { return await this.call('POST', '/api/links', { member: ref, revoke }) }
  async loginCode (): Promise<{ code: string, expiresAt: number }> { return await this.call('POST', '/api/auth/login-code', {}) }
  async close (): Promise<void> {}
}
