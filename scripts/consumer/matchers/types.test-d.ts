// Typechecked only (never run): the matchers reach a consumer project through `@spinup/matchers/setup`,
// and a wrong argument is a type error.

import { Session } from '@spinup/client'
import type {} from '@spinup/matchers/setup'
import { expect } from 'vitest'

const session = new Session({ baseUrl: 'http://127.0.0.1:1' })
expect(session).toHaveOpenSockets(0)
// @ts-expect-error the count is a number
expect(session).toHaveOpenSockets('0')
