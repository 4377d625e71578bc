/**
 * A host as it is written before `:port` and in URLs: an IPv6 address in brackets (`[::1]`), and an
 * IPv4-mapped IPv6 address as the IPv4 address it is (`::ffff:127.0.0.1` → `127.0.0.1`), so the server's
 * and the client's side of one connection read the same.
 */
export function formatHost(address: string): string {
  const host = address.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/i, '')
  return host.includes(':') ? `[${host}]` : host
}

/** `127.0.0.1:3000`, `[::1]:3000`; `?` for a part that is not known (a socket not connected yet). */
export function formatEndpoint(address: string | undefined, port: number | undefined): string {
  return `${address === undefined ? '?' : formatHost(address)}:${port ?? '?'}`
}
