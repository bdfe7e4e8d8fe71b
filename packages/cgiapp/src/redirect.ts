import { type Context, isPathPrefix, type Key } from '@paste/core'

/** The part of `@paste/recursive`'s forwarder used here (the package is an optional peer). */
interface Forwarder {
  forward(path: string): Promise<Response>
  readonly scriptName: string
}

let recursiveModule: Promise<{ forwarderKey: Key<Forwarder> } | undefined> | undefined

async function findForwarder(context: Context): Promise<Forwarder | undefined> {
  recursiveModule ??= import('@paste/recursive').then(
    (module) => module as unknown as { forwarderKey: Key<Forwarder> },
    () => undefined, // not installed: local redirects go to the client
  )
  const module = await recursiveModule
  return module === undefined ? undefined : context.get(module.forwarderKey)
}

/**
 * Answers a local redirect (RFC 3875 6.2.2): the server re-runs the request as a GET on the
 * local path, through `@paste/recursive` when it is above and the path lies under its mount.
 * Otherwise a 302 to the same path tells the client to do it.
 *
 * @example
 * return localRedirect('/cgi/done?id=3', context, true)
 */
export async function localRedirect(
  target: string,
  context: Context,
  internal: boolean,
): Promise<Response> {
  const forwarder = internal ? await findForwarder(context) : undefined
  const q = target.indexOf('?')
  const path = q === -1 ? target : target.slice(0, q)
  if (forwarder !== undefined && isPathPrefix(forwarder.scriptName, path)) {
    const rest = target.slice(forwarder.scriptName.length)
    return forwarder.forward(rest.startsWith('/') ? rest : `/${rest}`)
  }
  return new Response(null, {
    status: 302,
    headers: { location: new URL(target, context.origin).href },
  })
}
