/*
 * htdigest files (Apache's `htdigest` tool): one `user:realm:HA1` line per user and realm,
 * HA1 = MD5(user ":" realm ":" password) in hex.
 */

/**
 * Reads the users of one realm from htdigest file contents. Throws a `TypeError` naming
 * the line for a malformed entry (configuration errors surface at startup).
 *
 * @example
 * const users = parseHtdigest(readFileSync('/etc/apache2/.htdigest', 'utf8'), 'admin')
 * users.get('alice') // '939e7578ed9e3c518a452acee763bce9'
 */
export function parseHtdigest(text: string, realm: string): Map<string, string> {
  const users = new Map<string, string>()
  text.split(/\r?\n/).forEach((line, index) => {
    if (line.trim() === '' || line.startsWith('#')) return
    // user ":" realm ":" 32HEXDIG; neither user nor realm contains a colon
    const match = /^([^:]+):([^:]*):([0-9a-fA-F]{32})$/.exec(line)
    if (!match)
      throw new TypeError(`@paste/auth-digest: htdigest line ${index + 1} is not user:realm:md5hex`)
    if (match[2] === realm) users.set(match[1]!, match[3]!.toLowerCase())
  })
  return users
}
