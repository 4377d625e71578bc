import { STATUS_CODES } from 'node:http'

/** `400 Bad Request`: a status with its reason phrase (Node's table), or the bare number for an unknown one. */
export function formatStatus(status: number): string {
  const reason = STATUS_CODES[status]
  return reason ? `${status} ${reason}` : String(status)
}

/** How much of a body an error message shows by default. */
export const PREVIEW_CHARS = 600

/**
 * The start of a response body for a message: JSON pretty-printed, text as it is, binary named by its
 * size; cut at `max` characters with the total said, so a 2 MB HTML error page stays readable.
 */
export function previewBody(body: Uint8Array, contentType: string | undefined, max = PREVIEW_CHARS): string {
  if (body.byteLength === 0) return '(empty body)'
  const bytes = Buffer.from(body.buffer, body.byteOffset, body.byteLength)
  if (isBinary(bytes, contentType)) return `(${bytes.byteLength} bytes of ${contentType ?? 'binary data'})`
  let text = bytes.toString('utf8')
  if (/[/+]json\b/i.test(contentType ?? '') || /^\s*[[{]/.test(text)) {
    try {
      text = JSON.stringify(JSON.parse(text), null, 2)
    } catch {
      // Not valid JSON after all: shown as the text it is.
    }
  }
  if (text.length <= max) return text
  return `${text.slice(0, max)}… (${text.length - max} more characters, ${bytes.byteLength} bytes in all)`
}

function isBinary(bytes: Buffer, contentType: string | undefined): boolean {
  if (
    contentType &&
    /^(text\/|application\/(.*[+/])?(json|xml|javascript|x-www-form-urlencoded))/i.test(contentType)
  )
    return false
  // Without a textual content-type, a NUL byte early on says binary (git's heuristic).
  return bytes.subarray(0, 1024).includes(0)
}
