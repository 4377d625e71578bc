import type { BenchModule, BenchRow } from '../bench-module.js'

/**
 * Placeholder for the fixtures benchmark (issue 3): the per-test cost of startServer/useServer (start, one
 * request, stop) against a bare http.createServer().listen(0) / one request / close, and the readiness
 * latency of a process server against the moment its process starts listening (bench/servers/
 * hello-server.mjs prints that moment). It needs @spinup/fixtures' startServer, which is not there yet.
 */
export const fixturesBenchmark: BenchModule = {
  name: 'fixtures',
  description:
    'startServer per-test cost vs a bare server cycle; process readiness latency (not written yet).',
  async run(context): Promise<BenchRow[]> {
    context.log('fixtures: skipped, @spinup/fixtures has no startServer yet')
    return []
  },
}
