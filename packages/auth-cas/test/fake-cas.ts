/*
 * An in-test CAS server: issues tickets, answers /validate, /serviceValidate,
 * /p3/serviceValidate, /proxyValidate and /proxy like a real one, and can misbehave.
 */
export interface Issued {
  user: string
  service: string
  attributes?: Record<string, string[]>
  proxies?: string[]
}

export type Misbehaviour =
  | 'status500'
  | 'hang'
  | 'huge'
  | 'doctype'
  | 'latin1'
  | 'redirect'
  | 'html'
  | undefined

const esc = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')

export function fakeCas(server = 'https://cas.example.org/cas') {
  const tickets = new Map<string, Issued>()
  const calls: URL[] = []
  let counter = 0
  const state = {
    misbehave: undefined as Misbehaviour,
    /** Called with the pgtUrl during validation, like a real server does. */
    callback: undefined as ((url: string) => Promise<Response>) | undefined,
  }
  const issue = (issued: Issued, prefix = 'ST') => {
    const ticket = `${prefix}-${++counter}-${Math.random().toString(36).slice(2)}`
    tickets.set(ticket, issued)
    return ticket
  }
  const xml = (body: string) =>
    new Response(
      `<cas:serviceResponse xmlns:cas="http://www.yale.edu/tp/cas">${body}</cas:serviceResponse>`,
      {
        headers: { 'content-type': 'text/xml' },
      },
    )
  const fetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const url = new URL(String(input))
    calls.push(url)
    if (!url.href.startsWith(server)) throw new TypeError('fetch failed')
    const bad = await misbehave(state.misbehave, init?.signal ?? undefined)
    if (bad) return bad
    const path = url.pathname.slice(new URL(server).pathname.length)
    const q = url.searchParams
    if (path === '/proxy') {
      const target = q.get('targetService')
      if (!q.get('pgt')?.startsWith('PGT-') || !target)
        return xml('<cas:proxyFailure code="INVALID_REQUEST">no</cas:proxyFailure>')
      const pt = issue(
        { user: 'alice', service: target, proxies: ['https://app.example.org/cas-proxy'] },
        'PT',
      )
      return xml(`<cas:proxySuccess><cas:proxyTicket>${pt}</cas:proxyTicket></cas:proxySuccess>`)
    }
    const ticket = q.get('ticket') ?? ''
    const issued = tickets.get(ticket)
    tickets.delete(ticket) // one use only
    const valid =
      issued &&
      issued.service === q.get('service') &&
      (ticket.startsWith('ST-') || path.endsWith('proxyValidate'))
    if (path === '/validate') return new Response(valid ? `yes\n${issued.user}\n` : 'no\n\n')
    if (!valid)
      return xml(
        `<cas:authenticationFailure code="INVALID_TICKET">Ticket ${esc(ticket)} not recognized</cas:authenticationFailure>`,
      )
    let pgt = ''
    const pgtUrl = q.get('pgtUrl')
    if (pgtUrl && state.callback) {
      const iou = `PGTIOU-${++counter}`
      const cb = new URL(pgtUrl)
      cb.searchParams.set('pgtIou', iou)
      cb.searchParams.set('pgtId', `PGT-${counter}-secret`)
      if ((await state.callback(cb.href)).status === 200)
        pgt = `<cas:proxyGrantingTicket>${iou}</cas:proxyGrantingTicket>`
    }
    const attributes = path.startsWith('/p3/')
      ? `<cas:attributes>${Object.entries(issued.attributes ?? {})
          .flatMap(([k, vs]) => vs.map((v) => `<cas:${k}>${esc(v)}</cas:${k}>`))
          .join('')}</cas:attributes>`
      : ''
    const proxies = issued.proxies
      ? `<cas:proxies>${issued.proxies.map((p) => `<cas:proxy>${esc(p)}</cas:proxy>`).join('')}</cas:proxies>`
      : ''
    return xml(
      `<cas:authenticationSuccess><cas:user>${esc(issued.user)}</cas:user>${attributes}${pgt}${proxies}</cas:authenticationSuccess>`,
    )
  }
  return { fetch: fetch as typeof globalThis.fetch, tickets, calls, issue, state, server }
}

async function misbehave(
  how: Misbehaviour,
  signal: AbortSignal | undefined,
): Promise<Response | undefined> {
  switch (how) {
    case 'status500':
      return new Response('<html>Internal error at /srv/cas/secret.py</html>', { status: 500 })
    case 'redirect':
      return new Response(null, { status: 302, headers: { location: 'https://elsewhere/' } })
    case 'hang':
      return new Promise((_, reject) =>
        signal?.addEventListener('abort', () => reject(signal.reason)),
      )
    case 'huge': {
      const chunk = new TextEncoder().encode('<a>'.padEnd(65536, ' '))
      let sent = 0
      return new Response(
        new ReadableStream({
          pull(controller) {
            if (sent++ > 100) controller.close()
            else controller.enqueue(chunk)
          },
        }),
      )
    }
    case 'doctype':
      return new Response(
        '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><cas:serviceResponse xmlns:cas="http://www.yale.edu/tp/cas"><cas:authenticationSuccess><cas:user>&e;</cas:user></cas:authenticationSuccess></cas:serviceResponse>',
      )
    case 'latin1':
      return new Response(new Uint8Array([0x79, 0x65, 0x73, 0x0a, 0xe9, 0x0a]))
    case 'html':
      return new Response('<html><body>Maintenance</body></html>')
    default:
      return undefined
  }
}
