import { type Arrival, RequestFailedError, type RequestFailureCode, SpinupError } from './errors.js'

/** Node's TLS verification codes that mean "this certificate is not one we trust". */
const untrustedCertificate = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_UNTRUSTED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
])

const trustHint =
  "Pass the server's certificate (or its CA) as new Session({ ca }), or serve it with " +
  "useServer(app, { https: true }) from '@spinup/fixtures', whose session trusts its certificate."

/**
 * Turns the error undici or Node raised for one request into spinup's: a code per kind, the request, what
 * had arrived and what to do. spinup's own errors (an abort, a timeout, a connection the session closed)
 * pass through unchanged. `body` is the request body, to tell its stream's own error from a network one.
 */
export function requestFailure(
  err: Error,
  request: { method: string; url: string },
  arrival: Arrival,
  body: unknown,
): Error {
  if (err instanceof SpinupError) return err
  const fail = (code: RequestFailureCode, what: string, fix: string) =>
    new RequestFailedError(code, request, what, arrival, fix, err)
  const code = (err as { code?: unknown }).code
  if (isStream(body) && (body as { errored?: unknown }).errored === err) {
    return fail(
      'SPINUP_REQUEST_BODY_FAILED',
      'the request body stream failed while it was sent',
      'Fix the stream given as `body`; its connection was closed, as the server got half a request.',
    )
  }
  // undici 7.30.2's HTTPParserError has no `code` (it looks its constant up by llhttp's number and finds
  // none), so it is recognised by name; its message says what llhttp disliked.
  if (err.name === 'HTTPParserError' || code === 'HPE_INVALID_CONSTANT') {
    return fail(
      'SPINUP_BAD_RESPONSE',
      'the reply is not valid HTTP/1.1',
      'Is that port an HTTP server (not TLS, SSH or another protocol)? Check its header lines, chunked ' +
        'framing and Content-Length.',
    )
  }
  switch (code) {
    case 'ECONNREFUSED':
      return fail(
        'SPINUP_CONNECTION_REFUSED',
        'nothing accepts connections there',
        'Is the server started on that port? Await useServer()/startServer() (or listen) before the request.',
      )
    case 'UND_ERR_CONNECT_TIMEOUT':
      return fail(
        'SPINUP_CONNECT_TIMEOUT',
        'the connection was not established in time',
        'Is the server overloaded or its accept queue full? Raise connectTimeout if it is just slow.',
      )
    case 'UND_ERR_HEADERS_OVERFLOW':
      return fail(
        'SPINUP_HEADERS_TOO_LARGE',
        'the response headers exceed the 16 KiB undici accepts',
        'Make the server send fewer or shorter headers (a cookie that grows per request?).',
      )
    case 'UND_ERR_RES_CONTENT_LENGTH_MISMATCH':
      return fail(
        'SPINUP_CONTENT_LENGTH_MISMATCH',
        "the response body's length differs from its Content-Length header",
        'Fix the Content-Length the server sends, or let it use chunked encoding.',
      )
    case 'UND_ERR_SOCKET':
    case 'ECONNRESET':
    case 'EPIPE':
    case 'ECONNABORTED':
      // undici 7.30.2 destroys the socket with "bad response" on a 100 Continue the request did not ask
      // for (RFC 9110 says a client must accept it), and with "bad upgrade" on an unasked-for 101.
      if (err.message === 'bad response' || err.message === 'bad upgrade') {
        return fail(
          'SPINUP_UNEXPECTED_INTERIM',
          'undici refused the response: an interim 1xx the request did not ask for (100 Continue without ' +
            'Expect: 100-continue, or 101 without an upgrade), or a response with no request running',
          'Make the server send 100 Continue only after Expect: 100-continue, and 101 only to an upgrade.',
        )
      }
      return fail(
        'SPINUP_CONNECTION_RESET',
        'the server closed the connection',
        arrival.status === undefined
          ? 'Did the server crash, or close the connection without answering? Check its log.'
          : 'The server ended the response early: did it crash mid-body, or send a wrong Content-Length?',
      )
  }
  if (typeof code === 'string' && untrustedCertificate.has(code)) {
    return fail('SPINUP_TLS_UNTRUSTED', "the server's certificate is not trusted", trustHint)
  }
  if (typeof code === 'string' && (code.startsWith('ERR_SSL_') || code === 'EPROTO')) {
    return fail(
      'SPINUP_TLS_FAILED',
      'the TLS handshake failed',
      'Is the server speaking https on that port (not plain http)?',
    )
  }
  return fail('SPINUP_REQUEST_FAILED', 'the request failed', 'See `cause` for the error undici reported.')
}

function isStream(body: unknown): boolean {
  return typeof (body as { pipe?: unknown } | null)?.pipe === 'function'
}
