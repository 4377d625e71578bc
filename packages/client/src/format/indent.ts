/**
 * Indents every line of a block by `by` spaces or by a prefix string (`'    | '` quotes a process's
 * output). Trailing whitespace of the block is dropped first, so a final newline adds no empty line.
 */
export function indent(block: string, by: number | string = 2): string {
  const prefix = typeof by === 'number' ? ' '.repeat(by) : by
  return block
    .replace(/\s+$/, '')
    .split('\n')
    .map((line) => prefix + line)
    .join('\n')
}
