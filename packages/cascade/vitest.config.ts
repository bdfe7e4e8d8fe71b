import { mergeConfig } from 'vitest/config'
import shared from '../../tooling/vitest.shared.ts'

// --expose-gc lets the 100 MB test measure live memory rather than uncollected garbage
export default mergeConfig(shared, {
  test: { poolOptions: { forks: { execArgv: ['--expose-gc'] } } },
})
