/** Runs an assertion that must fail and returns its message; throws when it passes. */
export function failureOf(assertion: () => unknown): string {
  try {
    assertion()
  } catch (error) {
    return (error as Error).message
  }
  throw new Error('the assertion passed, but this test expected it to fail')
}

/** Like failureOf, for assertions that return a promise (expect.poll, rejects). */
export async function asyncFailureOf(assertion: () => Promise<unknown>): Promise<string> {
  try {
    await assertion()
  } catch (error) {
    return (error as Error).message
  }
  throw new Error('the assertion passed, but this test expected it to fail')
}
