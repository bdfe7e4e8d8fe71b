import shared from '../../tooling/vitest.shared.ts'

export default shared
