import { InvalidRequestError } from './errors.js'

/** Credentials a session or a request sends in its Authorization header. */
export type AuthInit = { readonly username: string; readonly password: string } | { readonly bearer: string }

/** The Authorization header value for `auth`: Basic (RFC 7617, UTF-8) or Bearer (RFC 6750). */
export function authorization(auth: unknown, where: string): string {
  if (typeof auth === 'object' && auth !== null) {
    const { username, password, bearer } = auth as Record<string, unknown>
    const keys = Object.keys(auth)
    if (typeof bearer === 'string' && keys.length === 1) return `Bearer ${checkToken(bearer, where)}`
    if (typeof username === 'string' && typeof password === 'string' && keys.length === 2) {
      if (username.includes(':')) {
        throw new InvalidRequestError(
          `${where}: a Basic username cannot contain ":" (it separates the password), got ${JSON.stringify(username)}.`,
        )
      }
      return `Basic ${Buffer.from(`${username}:${password}`, 'utf8').toString('base64')}`
    }
  }
  throw new InvalidRequestError(
    `${where} must be { username, password } (Basic) or { bearer } (a token), with string values; ` +
      `got ${typeof auth === 'object' && auth ? `an object with keys ${Object.keys(auth).join(', ') || 'none'}` : String(auth)}.`,
  )
}

function checkToken(token: string, where: string): string {
  // RFC 6750 b64token: no spaces or line breaks, which would split or corrupt the header.
  if (!/^[A-Za-z0-9\-._~+/]+=*$/.test(token)) {
    throw new InvalidRequestError(
      `${where}: the bearer token ${JSON.stringify(token.slice(0, 20))}… has characters a token cannot ` +
        'carry (spaces, CR, LF, quotes); pass the token alone, without "Bearer ".',
    )
  }
  return token
}
