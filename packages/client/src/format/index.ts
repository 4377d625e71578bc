/**
 * `@spinup/client/format`: spinup's formatting vocabulary, one module per fact, shared by
 * `@spinup/client`, `@spinup/fixtures` and `@spinup/matchers` so a value, an address, a count or a
 * duration reads the same in every message of every package. An internal subpath: its names may change
 * in any release; users format sockets with `formatSocket`/`formatSockets` from `@spinup/client`.
 */
export { formatEndpoint, formatHost } from './address.js'
export { describeValue, isClass } from './describe-value.js'
export { formatDuration } from './duration.js'
export { indent } from './indent.js'
export { plural } from './plural.js'
