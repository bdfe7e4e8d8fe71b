#!/usr/bin/env node
// pnpm new-package <name> [--description "..."] [--paste paste.module]
// Creates packages/<name> as @paste/<name>: package.json, tsconfigs, vitest config, README,
// CHANGELOG, a src/index.ts with a named factory and a test, and a changeset. Files that
// already exist are left alone, so it can also fill in what a package is missing.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    description: { type: 'string', default: '' },
    paste: { type: 'string', default: '' },
    'no-changeset': { type: 'boolean', default: false },
  },
})
const name = positionals[0]
if (!name || !/^[a-z][a-z0-9-]*$/.test(name)) {
  console.error('usage: pnpm new-package <name> [--description "..."] [--paste paste.module]')
  process.exit(2)
}
const dir = join(root, 'packages', name)
const factory = name.replace(/-([a-z0-9])/g, (_, c) => c.toUpperCase())
const Factory = factory[0].toUpperCase() + factory.slice(1)
const description = values.description || `Paste middleware: ${name}`

const pkg = {
  name: `@paste/${name}`,
  version: '0.0.0',
  description,
  license: 'MIT',
  type: 'module',
  sideEffects: false,
  exports: {
    '.': {
      types: './dist/index.d.ts',
      '@paste/source': './src/index.ts',
      default: './dist/index.js',
    },
    './package.json': './package.json',
  },
  main: './dist/index.js',
  types: './dist/index.d.ts',
  files: ['dist', 'src', '!src/**/*.test.ts', '!src/**/*.bench.ts', 'README.md', 'CHANGELOG.md'],
  engines: { node: '>=20' },
  keywords: ['paste', 'middleware', 'fetch'],
  scripts: {
    build: 'tsc -p tsconfig.build.json',
    typecheck: 'tsc -p tsconfig.json --noEmit',
    lint: 'node ../../tooling/scripts/lint-package.mjs',
    test: 'vitest run',
  },
  ...(name === 'core'
    ? {}
    : {
        peerDependencies: { '@paste/core': 'workspace:^' },
        devDependencies: { '@paste/core': 'workspace:^', '@paste-tooling/testing': 'workspace:*' },
      }),
}

const files = {
  'package.json': `${JSON.stringify(pkg, null, 2)}\n`,
  'tsconfig.json': `${JSON.stringify({ extends: '../../tooling/tsconfig/base.json', compilerOptions: { noEmit: true }, include: ['src', 'test'] }, null, 2)}\n`,
  'tsconfig.build.json': `${JSON.stringify({ extends: '../../tooling/tsconfig/base.json', compilerOptions: { rootDir: 'src', outDir: 'dist' }, include: ['src'], exclude: ['src/**/*.test.ts', 'src/**/*.bench.ts'] }, null, 2)}\n`,
  'vitest.config.ts': `import shared from '../../tooling/vitest.shared.ts'\n\nexport default shared\n`,
  'CHANGELOG.md': `# @paste/${name}\n`,
  'README.md': `# @paste/${name}

${description}

## Install

\`\`\`sh
pnpm add @paste/core @paste/${name}
\`\`\`

## Usage

\`\`\`ts
import { pipe } from '@paste/core'
import { ${factory} } from '@paste/${name}'

const site = pipe(app, ${factory}())
\`\`\`

## Options

| option | type | default | meaning |
|---|---|---|---|

## Behaviour

## Origin

Ports \`${values.paste || 'paste.?'}\` from Python Paste. Differences:
`,
  'src/index.ts': `import type { Middleware } from '@paste/core'

/** Options for {@link ${factory}}. */
export interface ${Factory}Options {}

/**
 * ${description}
 *
 * @example
 * const site = pipe(app, ${factory}())
 */
export function ${factory}(_options: ${Factory}Options = {}): Middleware {
  return (app) =>
    function ${factory}(request, context) {
      return app(request, context)
    }
}
`,
  'src/index.test.ts': `import { matrix } from '@paste-tooling/testing'
import { expect } from 'vitest'
import { ${factory} } from './index.js'

matrix('${name} passes requests through', () => ${factory}()(() => new Response('ok')), async (fetch) => {
  const response = await fetch('/')
  expect(response.status).toBe(200)
  expect(await response.text()).toBe('ok')
})
`,
}

mkdirSync(join(dir, 'src'), { recursive: true })
for (const [file, content] of Object.entries(files)) {
  const path = join(dir, file)
  if (existsSync(path)) continue
  writeFileSync(path, content)
  console.log(`created packages/${name}/${file}`)
}
const changeset = join(root, '.changeset', `new-${name}.md`)
if (!values['no-changeset'] && !existsSync(changeset)) {
  writeFileSync(
    changeset,
    `---\n'@paste/${name}': minor\n---\n\nFirst release of @paste/${name}: ${description}\n`,
  )
  console.log(`created .changeset/new-${name}.md`)
}
console.log(`\nnext: pnpm install, then write packages/${name}/src and its README`)
