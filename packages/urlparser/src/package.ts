import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join, resolve } from 'node:path'
import type { App } from '@paste/core'
import { isInside } from '@paste/fileapp'
import { type StaticParserOptions, staticParser } from './static.js'

/**
 * Options for {@link packageParser}.
 *
 * @example
 * packageParser('some-package', 'public', { from: import.meta.dirname, precompressed: ['br'] })
 */
export interface PackageParserOptions extends StaticParserOptions {
  /** Where the package is looked up from, as Node would from a module in this directory. @default process.cwd() */
  from?: string
}

// validate-npm-package-name, in short: optional @scope/, then a URL-safe lower-case name
const PACKAGE_NAME = /^(?:@[a-z0-9][a-z0-9._~-]*\/)?[a-z0-9][a-z0-9._~-]*$/

/**
 * Finds an installed package's directory the way Node resolves it from `from`: through its
 * `package.json` export, or, when the package's `exports` hide it, along the same
 * node_modules lookup path Node uses.
 *
 * @example
 * packageDirectory('@paste/core', process.cwd()) // '/app/node_modules/@paste/core'
 */
export function packageDirectory(name: string, from: string): string {
  if (!PACKAGE_NAME.test(name))
    throw new TypeError(`@paste/urlparser: ${JSON.stringify(name)} is not a package name`)
  const require = createRequire(join(resolve(from), 'noop.js'))
  try {
    return dirname(require.resolve(`${name}/package.json`))
  } catch {
    for (const dir of require.resolve.paths(name) ?? []) {
      if (existsSync(join(dir, name, 'package.json'))) return join(dir, name)
    }
  }
  throw new TypeError(
    `@paste/urlparser: package ${JSON.stringify(name)} is not installed (looked up from ${from})`,
  )
}

/**
 * Serves files shipped inside an installed npm package (Paste's PkgResourcesParser), under
 * `subdirectory` of the package, with everything {@link staticParser} does.
 *
 * @example
 * const docs = packageParser('some-package', 'public', { cacheControl: { maxAge: 86400 } })
 */
export function packageParser(
  name: string,
  subdirectory = '',
  options: PackageParserOptions = {},
): App {
  const dir = packageDirectory(name, options.from ?? process.cwd())
  const root = resolve(dir, subdirectory)
  if (!isInside(root, dir))
    throw new TypeError('@paste/urlparser: subdirectory must stay inside the package')
  const serveStatic = staticParser(root, { index: [], ...options })
  return function packageParser(request, context) {
    return serveStatic(request, context)
  }
}
