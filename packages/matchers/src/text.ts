/** `1 socket`, `2 sockets`; with a plural form for phrases such as `socket is` / `sockets are`. */
export function plural(count: number, singular: string, pluralForm = `${singular}s`): string {
  return `${count} ${count === 1 ? singular : pluralForm}`
}

/** Messages must read well in a terminal 100 columns wide. */
export const MESSAGE_WIDTH = 100

/** Keeps a code fragment on one line when a paragraph is wrapped (`await res.text()` never splits). */
export function code(fragment: string): string {
  return fragment.replace(/ /g, '\u00a0')
}

/**
 * Wraps a paragraph at spaces to `width` columns; `prefix` starts the first line and every later line is
 * indented to line up under the text after it (`Hint: …`).
 */
export function wrap(text: string, prefix = '', width = MESSAGE_WIDTH): string {
  const indent = ' '.repeat(prefix.length)
  const lines: string[] = []
  let line = prefix
  let empty = true
  for (const word of text.split(' ')) {
    if (!empty && line.length + 1 + word.length > width) {
      lines.push(line)
      line = indent + word
    } else {
      line += (empty ? '' : ' ') + word
    }
    empty = false
  }
  lines.push(line)
  return lines.join('\n').replace(/\u00a0/g, ' ')
}

/** Indents every line of a block. */
export function indent(block: string, by = 2): string {
  const pad = ' '.repeat(by)
  return block
    .split('\n')
    .map((line) => pad + line)
    .join('\n')
}
