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
