import { InternalServerError } from '@paste/httpexceptions'

/**
 * Reads a response body as UTF-8 text, failing with a 500 (and cancelling the body) once it
 * passes `max` bytes, so an include cannot buffer without bound.
 *
 * @example
 * const text = await readText(response, 1024 * 1024)
 */
export async function readText(response: Response, max: number): Promise<string> {
  if (response.body === null) return ''
  const reader = response.body.getReader()
  const decoder = new TextDecoder()
  let size = 0
  let text = ''
  for (;;) {
    const { value, done } = await reader.read()
    if (done) return text + decoder.decode()
    size += value.length
    if (size > max) {
      await reader.cancel()
      throw new InternalServerError({ detail: `included body over ${max} bytes` })
    }
    text += decoder.decode(value, { stream: true })
  }
}
