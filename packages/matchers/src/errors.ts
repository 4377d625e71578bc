import { SpinupError } from '@spinup/client'

/**
 * A matcher was given something it cannot check: an unsupported target, a count that is not a whole
 * number, an unknown filter. Thrown (not reported as a failed expectation) so that `.not` can never turn a
 * wrong call into a passing test. Code: `SPINUP_MATCHER_USAGE`.
 */
export class MatcherUsageError extends SpinupError {
  constructor(message: string) {
    super('SPINUP_MATCHER_USAGE', message)
  }
}
