/*
 * The login page. Every value put into it is HTML-escaped (text and attribute context);
 * a custom template receives the escaped values only.
 */

/** What a login page template receives; every string is already HTML-escaped. */
export interface LoginView {
  /** The form's action: the login path below the mount point. */
  action: string
  /** The safe return URL, for the hidden `came_from` field. */
  cameFrom: string
  /** The CSRF token, for the hidden `csrf_token` field. */
  csrfToken: string
  /** A message for the user after a failed attempt, or `''`. */
  error: string
  /** The user name typed in a failed attempt, or `''`. */
  username: string
}

/** The built-in page: a plain, accessible form. */
export function defaultTemplate(view: LoginView): string {
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>Log in</title></head>
<body>
<main>
<h1>Log in</h1>
${view.error ? `<p role="alert">${view.error}</p>\n` : ''}<form action="${view.action}" method="post">
<input type="hidden" name="csrf_token" value="${view.csrfToken}">
<input type="hidden" name="came_from" value="${view.cameFrom}">
<p><label>User name <input type="text" name="username" value="${view.username}" autocomplete="username" required autofocus></label></p>
<p><label>Password <input type="password" name="password" autocomplete="current-password" required></label></p>
<p><button type="submit">Log in</button></p>
</form>
</main>
</body>
</html>
`
}

const PLACEHOLDERS = {
  action: 'action',
  came_from: 'cameFrom',
  csrf_token: 'csrfToken',
  error: 'error',
  username: 'username',
} as const

/**
 * Compiles a string template with `{{action}}`, `{{came_from}}`, `{{csrf_token}}`,
 * `{{error}}` and `{{username}}` placeholders; throws a `TypeError` when one the form needs
 * is missing.
 *
 * @example
 * compileTemplate('<form action="{{action}}" method="post">...{{csrf_token}}...</form>')
 */
export function compileTemplate(template: string): (view: LoginView) => string {
  for (const needed of ['action', 'csrf_token', 'came_from'])
    if (!template.includes(`{{${needed}}}`))
      throw new TypeError(`@paste/auth-form: template needs a {{${needed}}} placeholder`)
  return (view) =>
    template.replace(
      /\{\{(action|came_from|csrf_token|error|username)\}\}/g,
      (_, name: keyof typeof PLACEHOLDERS) => view[PLACEHOLDERS[name]],
    )
}
