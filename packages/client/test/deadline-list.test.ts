import { afterEach, beforeEach, expect, test, vi } from 'vitest'
import { type Deadline, DeadlineList } from '../src/deadline-list.js'

// The session's shared request timeout, on a fake clock: which entries expire, in what order, and that
// one taken off the list (a request answered in time) is never expired, whatever the machine's load.
beforeEach(() => {
  vi.useFakeTimers({ now: 1_000_000 })
})
afterEach(() => {
  vi.useRealTimers()
})

function entry(name: string, at: number, expired: string[]): Deadline {
  return { at, prev: undefined, next: undefined, listed: false, expire: () => expired.push(name) }
}

test('entries expire in order when their time comes, and one removed before then is never touched', () => {
  const list = new DeadlineList()
  const expired: string[] = []
  const now = Date.now()
  const slow = [1, 2, 3].map((i) => entry(`slow ${i}`, now + 40, expired))
  const fast = entry('fast', now + 40, expired)
  for (const e of [slow[0]!, fast, slow[1]!, slow[2]!]) list.add(e)

  vi.advanceTimersByTime(10)
  list.remove(fast) // answered after 10 ms
  expect(fast.listed).toBe(false)
  vi.advanceTimersByTime(29)
  expect(expired).toEqual([])
  vi.advanceTimersByTime(1)
  expect(expired).toEqual(['slow 1', 'slow 2', 'slow 3'])
  vi.advanceTimersByTime(1_000)
  expect(expired).toEqual(['slow 1', 'slow 2', 'slow 3'])
})

test('after a firing, the timer re-arms for entries that are still due, and for entries added later', () => {
  const list = new DeadlineList()
  const expired: string[] = []
  const now = Date.now()
  list.add(entry('a', now + 40, expired))
  list.add(entry('b', now + 60, expired))
  vi.advanceTimersByTime(40)
  expect(expired).toEqual(['a'])
  vi.advanceTimersByTime(20)
  expect(expired).toEqual(['a', 'b'])
  list.add(entry('c', Date.now() + 40, expired))
  vi.advanceTimersByTime(40)
  expect(expired).toEqual(['a', 'b', 'c'])
})

test('removing an entry twice, or one never listed, changes nothing', () => {
  const list = new DeadlineList()
  const expired: string[] = []
  const now = Date.now()
  const a = entry('a', now + 40, expired)
  const b = entry('b', now + 40, expired)
  list.add(a)
  list.add(b)
  list.remove(a)
  list.remove(a)
  list.remove(entry('never listed', now, expired))
  vi.advanceTimersByTime(40)
  expect(expired).toEqual(['b'])
})
