import { createKey } from './context.js'

/** What a login filter records about a user when it signs them in. */
export interface LoginDetails {
  /** Roles or tokens (mod_auth_tkt tokens, grantip roles). */
  tokens?: readonly string[]
  /** Free-form data carried with the login (mod_auth_tkt user data). */
  userData?: string
}

/**
 * The interface a "remember the user" filter (auth-cookie, auth-tkt, a session) offers to
 * the apps below it, so a login page (auth-form) can sign users in and out without knowing
 * how they are remembered. The filter applies the change to the response on its way out.
 */
export interface LoginManager {
  /** Signs `user` in for the requests that follow (sets a cookie, stores a session...). */
  login(user: string, details?: LoginDetails): void | Promise<void>
  /** Signs the current user out. */
  logout(): void | Promise<void>
}

/**
 * The context slot where the nearest remembering filter puts its {@link LoginManager}.
 *
 * @example
 * await context.require(loginKey).login('alice')
 */
export const loginKey = createKey<LoginManager>('@paste/core:login')
