/**
 * The one spelling of a duration in spinup's messages: a number, a space, a unit. Whole milliseconds up to
 * 10 s (`13 ms`, `1002 ms`: next to a `1000 ms` grace period the digits matter), then seconds with one
 * decimal (`12.3 s`), then minutes and seconds (`3 min 05 s`).
 *
 * For what was measured (an age, a time in flight). A value the user gave (a timeout, a grace period) is
 * quoted as given, `${ms} ms`, in the unit of its option, so it can be found in the test's code.
 */
export function formatDuration(ms: number): string {
  const clamped = Math.max(0, Math.round(ms))
  if (clamped < 10_000) return `${clamped} ms`
  if (clamped < 60_000) return `${(clamped / 1000).toFixed(1)} s`
  const minutes = Math.floor(clamped / 60_000)
  const seconds = Math.floor((clamped % 60_000) / 1000)
  return `${minutes} min ${String(seconds).padStart(2, '0')} s`
}
