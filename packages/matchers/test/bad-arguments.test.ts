import { Session } from '@spinup/client'
import { readTcpTable, socketInodes } from '@spinup/client/os'
import { afterAll, describe, expect, test } from 'vitest'

/**
 * Bad arguments to the matchers, one named case each: SPINUP_MATCHER_USAGE (thrown, so `.not` cannot make
 * it pass), a message naming the bad value and what to give, and no socket opened.
 */

const session = new Session({ baseUrl: 'http://127.0.0.1:9' })
afterAll(() => session.close())

function ownSockets(): number {
  const mine = socketInodes()
  return readTcpTable().filter((row) => mine.has(row.inode)).length
}

const cases: Record<string, [() => unknown, RegExp, RegExp]> = {
  'a count of -1': [() => expect(session).toHaveOpenSockets(-1), /got .*-1/, /whole number ≥ 0/],
  'a count of 1.5': [() => expect(session).toHaveOpenSockets(1.5), /got .*1\.5/, /whole number ≥ 0/],
  'a count of NaN': [() => expect(session).toHaveIdleSockets(Number.NaN), /got .*NaN/, /whole number ≥ 0/],
  "a count of '1'": [
    () => expect(session).toHaveActiveSockets('1' as never),
    /got .*"1"/,
    /whole number ≥ 0/,
  ],
  'a filter that is a string': [
    () => expect(session).toHaveOpenSockets(0, 'idle' as never),
    /"idle"/,
    /'origin' and 'state'/,
  ],
  'an unknown filter key': [
    () => expect(session).toHaveOpenSockets(0, { host: 'x' } as never),
    /'host'/,
    /takes 'origin' and 'state'/,
  ],
  'a relative origin': [
    () => expect(session).toHaveOpenSockets(0, { origin: '/x' }),
    /"\/x"/,
    /absolute URL such as/,
  ],
  'an unknown state': [
    () => expect(session).toHaveOpenSockets(0, { state: 'closed' as never }),
    /"closed"/,
    /'idle' or 'active'/,
  ],
  'a Promise as the target': [
    () => expect(Promise.resolve(session)).toHaveOpenSockets(0),
    /a Promise/,
    /is an await missing\?/,
  ],
  'a number as the target, under .not': [
    () => expect(42).not.toHaveOpenSockets(0),
    /the number 42/,
    /checks a spinup Session/,
  ],
  'a session given to the server-side matcher': [
    () => expect(session).toHaveOpenConnections(0),
    /a spinup Session/,
    /expect\(session\)\.toHaveOpenSockets\(count\)/,
  ],
}

describe('bad arguments to the matchers throw a usage error naming the value and the fix', () => {
  for (const [name, [call, names, fix]] of Object.entries(cases)) {
    test(name, () => {
      const before = ownSockets()
      let error: unknown
      try {
        call()
      } catch (e) {
        error = e
      }
      expect(error).toMatchObject({ name: 'MatcherUsageError', code: 'SPINUP_MATCHER_USAGE' })
      expect((error as Error).message).toMatch(names)
      expect((error as Error).message).toMatch(fix)
      expect(ownSockets()).toBe(before)
    })
  }
})
