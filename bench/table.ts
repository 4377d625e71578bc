import type { BenchRow } from './bench-module.js'

const columns = ['benchmark', 'case', 'mode', 'value', 'ratio', 'bar', 'note'] as const

/** Formats a figure with thousands separators, and decimals only where they carry information. */
export function formatValue(value: number, unit: string): string {
  const digits = value >= 100 ? 0 : value >= 10 ? 1 : 2
  return `${value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })} ${unit}`
}

/** The one table every benchmark module's rows are printed in. */
export function formatTable(rows: readonly BenchRow[]): string {
  const cells = rows.map((row) => ({
    benchmark: row.benchmark,
    case: row.case,
    mode: row.mode,
    value: formatValue(row.value, row.unit),
    // Rows with a bar get a third decimal, so a verdict never contradicts the figure printed beside it.
    ratio: row.ratio === undefined ? '' : `${row.ratio.toFixed(row.bar ? 3 : 2)}×`,
    bar: row.bar ? `${row.bar.text}: ${row.bar.pass ? 'ok' : 'MISSED'}` : '',
    note: row.note ?? '',
  }))
  const widths = Object.fromEntries(
    columns.map((column) => [column, Math.max(column.length, ...cells.map((cell) => cell[column].length))]),
  ) as Record<(typeof columns)[number], number>
  const rightAligned = new Set<string>(['value', 'ratio'])
  const line = (cell: Record<(typeof columns)[number], string>) =>
    columns
      .map((column) =>
        rightAligned.has(column)
          ? cell[column].padStart(widths[column])
          : cell[column].padEnd(widths[column]),
      )
      .join('  ')
      .trimEnd()
  const header = line(
    Object.fromEntries(columns.map((column) => [column, column])) as Record<(typeof columns)[number], string>,
  )
  const rule = columns.map((column) => '-'.repeat(widths[column])).join('  ')
  const body: string[] = []
  let previous: string | undefined
  for (const [index, cell] of cells.entries()) {
    const group = `${rows[index]!.benchmark}/${rows[index]!.mode}`
    if (previous !== undefined && group !== previous) body.push('')
    previous = group
    body.push(line(cell))
  }
  const baselines = [
    ...new Set(rows.filter((row) => row.baseline).map((row) => `${row.benchmark}: ${row.baseline}`)),
  ]
  const legend = baselines.length
    ? [
        '',
        `ratio = median over rounds of (case / baseline in the same round); baseline: ${baselines.join('; ')}`,
      ]
    : []
  return [header, rule, ...body, ...legend].join('\n')
}
