/**
 * The source of the capture worker, run with `new Worker(source, { eval: true })` (CommonJS).
 * It connects an inspector session to the main thread and, on each pause for an exception
 * or a promise rejection, copies the locals of the paused frames into the main thread's
 * registry, then resumes. The main thread is frozen while a pause lasts, so the handler
 * returns at the first "not ours": the shared counter says no request is inside a wrapped
 * app, or the registry says the value is not wanted. Every path ends in Debugger.resume.
 */
export const REGISTRY_KEY = '@paste/evalexception.registry'

export const WORKER_SOURCE = `
'use strict'
const { Session } = require('node:inspector')
const { parentPort, workerData } = require('node:worker_threads')
const { active, maxFrames, maxNames } = workerData
const REG = 'globalThis[Symbol.for(${JSON.stringify(REGISTRY_KEY)})]'
const SCOPES = new Set(['local', 'block', 'catch', 'closure'])
const session = new Session()
session.connectToMainThread()
// an inspector session keeps no loop alive: the port does (the parent unrefs the worker)
parentPort.on('message', () => {})
const post = (method, params) =>
  new Promise((resolve, reject) =>
    session.post(method, params || {}, (error, result) => (error ? reject(error) : resolve(result))))
const argument = (v) =>
  v.objectId ? { objectId: v.objectId }
  : v.unserializableValue !== undefined ? { unserializableValue: v.unserializableValue }
  : 'value' in v ? { value: v.value } : {}
async function capture(exception, callFrames) {
  const wanted = await post('Runtime.callFunctionOn', {
    objectId: exception,
    functionDeclaration: 'function () { const r = ' + REG + '; return !!r && r.wants(this) }',
    returnByValue: true, silent: true,
  })
  if (!wanted.result || wanted.result.value !== true) return
  const frames = []
  const args = [{ value: '' }]
  for (const frame of callFrames) {
    if (frames.length >= maxFrames) break
    // runtime internals: nothing of the application's to see there (a vm script without a
    // filename has an empty url and is kept)
    if (frame.url.startsWith('node:')) continue
    const names = []
    for (const scope of frame.scopeChain) {
      if (!SCOPES.has(scope.type) || !scope.object.objectId) continue
      const { result } = await post('Runtime.getProperties', { objectId: scope.object.objectId, ownProperties: true })
      for (const p of result) {
        // inner scopes shadow outer ones; an uninitialised let has no value
        if (!p.value || names.length >= maxNames || names.includes(p.name)) continue
        names.push(p.name)
        args.push(argument(p.value))
      }
    }
    frames.push({ function: frame.functionName, url: frame.url,
      line: frame.location.lineNumber + 1, column: (frame.location.columnNumber || 0) + 1, names })
  }
  args[0] = { value: JSON.stringify(frames) }
  await post('Runtime.callFunctionOn', {
    objectId: exception,
    functionDeclaration: 'function (meta, ...values) { ' + REG + '.record(this, meta, values) }',
    arguments: args, silent: true,
  })
}
session.on('Debugger.paused', async ({ params }) => {
  // a breakpoint or a debugger statement is someone else's pause: leave it alone
  if (params.reason !== 'exception' && params.reason !== 'promiseRejection') return
  try {
    if (Atomics.load(active, 0) > 0 && params.data && params.data.objectId)
      await capture(params.data.objectId, params.callFrames)
  } catch (error) {
    parentPort.postMessage({ type: 'error', message: String(error && error.message || error) })
  } finally {
    session.post('Debugger.resume', () => {})
  }
})
post('Debugger.enable')
  .then(() => post('Debugger.setPauseOnExceptions', { state: 'all' }))
  .then(() => parentPort.postMessage({ type: 'ready' }),
    (error) => parentPort.postMessage({ type: 'failed', message: String(error && error.message || error) }))
`
