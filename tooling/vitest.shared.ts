import { defineConfig } from 'vitest/config'

/**
 * Shared vitest settings. Workspace packages resolve to their TypeScript sources through
 * the `@paste/source` export condition, so tests never wait for a build of a dependency.
 */
export default defineConfig({
  resolve: { conditions: ['@paste/source'] },
  ssr: { resolve: { conditions: ['@paste/source'] } },
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 60_000,
    restoreMocks: true,
  },
})
