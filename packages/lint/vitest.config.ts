import { mergeConfig } from 'vitest/config'
import shared from '../../tooling/vitest.shared.ts'

// --expose-gc lets one test prove that a body dropped unread is reported when it is collected
export default mergeConfig(shared, {
  test: { poolOptions: { forks: { execArgv: ['--expose-gc'] } } },
})
