/*
 * Per-request transactions (Paste's paste.transaction). Resources that take part in a
 * request (a database transaction, a Redis MULTI, a queue of outgoing mail) join its
 * manager; when the app has answered, all of them commit if the answer is a success and
 * roll back otherwise (an error status, a thrown error, or an explicit abort). The decision
 * and the commits happen before the response is handed back: a client never sees a success
 * whose data was not committed. A commit that fails rolls the rest back and turns the
 * answer into a logged 500.
 */
import {
  type App,
  type Context,
  createKey,
  internalServerError,
  isHttpError,
  type Middleware,
} from '@paste/core'

/** Something that can be committed or rolled back (each called at most once). */
export interface Transaction {
  commit(): unknown
  rollback(): unknown
}

/** A request's transactions. */
export interface TransactionManager {
  /** Adds a transaction to the request; it is committed or rolled back with the others, in joining order. */
  join(transaction: Transaction): void
  /** Marks the request failed: everything rolls back, whatever the status. */
  abort(): void
  /** Whether {@link abort} was called. */
  readonly aborted: boolean
}

/** Options for {@link transactions}. */
export interface TransactionsOptions {
  /** Whether an answer commits. @default status below 400 (Paste's rule) */
  commitIf?: (response: Response) => boolean
}

const managerKey = createKey<TransactionManager>('@paste/transaction')

/**
 * The request's transaction manager; throws if {@link transactions} is not above.
 *
 * @example
 * transactionManager(context).join(await db.begin())
 */
export function transactionManager(context: Context): TransactionManager {
  return context.require(managerKey)
}

const success = (response: Response) => response.status < 400

async function settle(
  list: readonly Transaction[],
  commit: boolean,
  context: Context,
): Promise<boolean> {
  let ok = true
  for (const transaction of list) {
    if (commit && ok) {
      try {
        await transaction.commit()
        continue
      } catch (error) {
        ok = false
        context.logger.error('@paste/transaction: a commit failed; rolling back the rest', {
          error,
        })
        continue // a failed commit is not rolled back: the resource already refused it
      }
    }
    try {
      await transaction.rollback()
    } catch (error) {
      context.logger.error('@paste/transaction: a rollback failed', { error })
    }
  }
  return ok
}

/**
 * Gives each request a {@link TransactionManager} (Paste's TransactionManagerMiddleware):
 * joined transactions commit when the app answers with a success, roll back otherwise.
 *
 * @example
 * const site = pipe(app, transactions())
 */
export function transactions(options: TransactionsOptions = {}): Middleware {
  const commitIf = options.commitIf ?? success
  if (typeof commitIf !== 'function')
    throw new TypeError('@paste/transaction: commitIf must be a function')
  return (app: App) =>
    async function transactionManager(request, context) {
      const joined: Transaction[] = []
      let aborted = false
      const manager: TransactionManager = {
        join(transaction) {
          if (
            typeof transaction?.commit !== 'function' ||
            typeof transaction.rollback !== 'function'
          )
            throw new TypeError('@paste/transaction: a transaction has commit() and rollback()')
          joined.push(transaction)
        },
        abort() {
          aborted = true
        },
        get aborted() {
          return aborted
        },
      }
      let response: Response
      try {
        response = await app(request, context.with(managerKey, manager))
      } catch (error) {
        // a thrown HTTP error is an answer too: a redirect thrown commits, a 4xx/5xx does not
        const answer = isHttpError(error) ? error.toResponse(request, context) : undefined
        const commit = !aborted && answer !== undefined && commitIf(answer)
        if (!(await settle(joined, commit, context))) return internalServerError()
        throw error // it renders itself further up, as it would have without this middleware
      }
      const commit = !aborted && commitIf(response)
      if (await settle(joined, commit, context)) return response
      // the data was not stored: the success must not reach the client
      await response.body?.cancel().catch(() => {})
      return internalServerError()
    }
}

/**
 * A connection (or transaction) per request from `begin`, joined to the request's manager
 * and reachable with {@link getConnection} (Paste's BasicTransactionHandler). Put it below
 * {@link transactions} (after it in `pipe`).
 *
 * @example
 * const site = pipe(app, transactions(), withConnection(() => pool.begin()))
 */
export function withConnection<T extends Transaction>(
  begin: (request: Request, context: Context) => T | Promise<T>,
): Middleware {
  if (typeof begin !== 'function')
    throw new TypeError('@paste/transaction: begin must be a function')
  return (app: App) =>
    async function connectionPerRequest(request, context) {
      const connection = await begin(request, context)
      transactionManager(context).join(connection)
      return app(request, context.with(connectionKey, connection))
    }
}

const connectionKey = createKey<Transaction>('@paste/transaction connection')

/**
 * The connection {@link withConnection} began for this request.
 *
 * @example
 * const tx = getConnection<PgTransaction>(context)
 */
export function getConnection<T extends Transaction>(context: Context): T {
  return context.require(connectionKey) as T
}
