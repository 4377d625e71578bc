/** What every benchmark module gets from the runner. */
export interface BenchContext {
  /** How many interleaved rounds each case runs; figures are the median over rounds. */
  readonly rounds: number
  /** How long one case runs in one round, in ms (modules that count cycles instead scale with it). */
  readonly sliceMs: number
  /** BENCH_QUICK=1: fewer rounds and smaller test files, for a look in well under a minute; not for the record. */
  readonly quick: boolean
  /** Progress on stderr, so stdout carries only the table. */
  log(message: string): void
}

/** One line of the table, and one entry of bench/results.json. */
export interface BenchRow {
  /** The module that measured it, e.g. 'client'. */
  readonly benchmark: string
  /** What was measured, e.g. 'session.get'. */
  readonly case: string
  /** Under which load, e.g. 'sequential' or '10 concurrent'. */
  readonly mode: string
  /** The median over rounds. */
  readonly value: number
  /** e.g. 'req/s' or 'ms'. */
  readonly unit: string
  /**
   * Relative to the baseline case of the same benchmark and mode: the median over rounds of
   * (this case / the baseline in the same round), so load that hits one round hits both sides.
   */
  readonly ratio?: number
  /** The case the ratio is relative to. */
  readonly baseline?: string
  /** The bar from the issue, when one applies to this row, and whether this run met it. */
  readonly bar?: { readonly text: string; readonly pass: boolean }
  /** The figures the median was taken over, in the order they were measured (one per round, or one per event). */
  readonly rounds: readonly number[]
  /** A short remark for the table (CPU per request, connections used, …). */
  readonly note?: string
  /** Anything else worth keeping in the JSON (connections opened, request counts, …). */
  readonly details?: Readonly<Record<string, unknown>>
}

/** A benchmark: runs its cases against whatever it starts itself, cleans up, and returns its rows. */
export interface BenchModule {
  /** Short name, used in the table and to select modules with BENCH_ONLY. */
  readonly name: string
  readonly description: string
  run(context: BenchContext): Promise<BenchRow[]>
}
