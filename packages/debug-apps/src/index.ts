/**
 * @paste/debug-apps: stand-in Apps for tests and demos (Paste's `paste.debug.debugapp`) and
 * a server that stops by itself after N requests or a timeout (`paste.debug.testserver`).
 */
export {
  type RegressionOutcome,
  type RegressionServer,
  type RegressionServerOptions,
  regressionServer,
} from './regression.js'
export { type SimpleAppOptions, simpleApp } from './simple.js'
export { type SlowConsumerOptions, type SlowProgress, slowConsumer } from './slow.js'
