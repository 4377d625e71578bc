import type { BenchModule } from './bench-module.js'
import { clientBenchmark } from './modules/client.js'
import { fixturesBenchmark } from './modules/fixtures.js'
import { frameworksBenchmark } from './modules/frameworks.js'
import { testFileBenchmark } from './modules/test-file.js'

/** Every benchmark `pnpm bench` runs, in order. A new one is a module returning rows, added here. */
export const benchmarks: readonly BenchModule[] = [
  clientBenchmark,
  fixturesBenchmark,
  frameworksBenchmark,
  testFileBenchmark,
]
