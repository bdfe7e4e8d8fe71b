/*
 * Loading App modules and per-directory hook modules for urlParser. Modules are imported once
 * (Node caches ES modules for the life of the process) and the App each yields is kept.
 */
import { pathToFileURL } from 'node:url'
import type { App, Context, Logger } from '@paste/core'

/**
 * Builds an App for a file (Paste's constructors), or `undefined` if it cannot.
 *
 * @example
 * urlParser(root, { constructors: { '.txt': (file) => fileApp(file, { contentType: 'text/plain' }) } })
 */
export type Constructor = (
  filename: string,
  context: Context,
) => App | undefined | Promise<App | undefined>

/**
 * What a directory's hook module may export (Paste's `__init__.py` hooks).
 *
 * @example
 * // _urlparser.js in a served directory
 * export const notFound = () => new Response('nothing here', { status: 404 })
 */
export interface DirectoryHooks {
  /** Runs first for every request in this directory; may return a changed context (urlparser_hook). */
  hook?: (request: Request, context: Context) => Context | undefined | Promise<Context | undefined>
  /** Wraps the App found for a request (urlparser_wrap). */
  wrap?: (app: App, request: Request, context: Context) => Response | Promise<Response>
  /** Answers when nothing in this directory matches (not_found_hook); `parser` re-dispatches here. */
  notFound?: (request: Request, context: Context, parser: App) => Response | Promise<Response>
  /** Answers every request for this directory; the file system is not searched (application). */
  application?: App
  /** Constructors for file types in this directory, by extension (`.md`), `dir` or `*`. */
  constructors?: Record<string, Constructor>
}

/** Whether an import failed because this runtime cannot load the file type (.ts on Node 20). */
function unloadable(error: unknown): boolean {
  const code = (error as { code?: string }).code
  return (
    code === 'ERR_UNKNOWN_FILE_EXTENSION' || code === 'ERR_UNSUPPORTED_NODE_MODULES_TYPE_STRIPPING'
  )
}

/** Imports a module; `undefined` (logged) when the runtime cannot load its type. */
export async function importModule(
  path: string,
  logger: Logger,
): Promise<Record<string, unknown> | undefined> {
  try {
    return (await import(pathToFileURL(path).href)) as Record<string, unknown>
  } catch (error) {
    if (!unloadable(error)) throw error
    logger.warn('@paste/urlparser: this runtime cannot load the module; it is not served', { path })
    return undefined
  }
}

/**
 * The App a module exports: `application` or `default` (an App), or a factory named after
 * the file (`stream.mjs` exporting `stream()`), called once with no arguments.
 *
 * @example
 * appFromModule({ default: (request) => new Response('hi') }, 'hello') // the default export
 */
export function appFromModule(module: Record<string, unknown>, baseName: string): App | undefined {
  const direct = module.application ?? module.default
  if (typeof direct === 'function') return direct as App
  const factory = module[baseName]
  if (typeof factory === 'function') {
    const app = (factory as () => unknown)()
    if (typeof app === 'function') return app as App
  }
  return undefined
}

/** Reads the hooks a module exports, checking their types. */
export function hooksFromModule(module: Record<string, unknown>, path: string): DirectoryHooks {
  const hooks: DirectoryHooks = {}
  for (const name of ['hook', 'wrap', 'notFound', 'application'] as const) {
    const value = module[name]
    if (value === undefined) continue
    if (typeof value !== 'function')
      throw new TypeError(`@paste/urlparser: ${path}: ${name} must be a function`)
    ;(hooks as Record<string, unknown>)[name] = value
  }
  const constructors = module.constructors
  if (constructors !== undefined) {
    if (typeof constructors !== 'object' || constructors === null)
      throw new TypeError(`@paste/urlparser: ${path}: constructors must be an object`)
    hooks.constructors = constructors as Record<string, Constructor>
  }
  return hooks
}
