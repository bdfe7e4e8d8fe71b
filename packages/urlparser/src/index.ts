export type { Constructor, DirectoryHooks } from './modules.js'
export { type PackageParserOptions, packageDirectory, packageParser } from './package.js'
export { type StaticParserOptions, staticParser } from './static.js'
export { type UrlParserOptions, urlParser } from './url-parser.js'
