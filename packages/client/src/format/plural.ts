/** `1 socket`, `2 sockets`; with a plural form for phrases such as `socket is` / `sockets are`. */
export function plural(count: number, singular: string, pluralForm = `${singular}s`): string {
  return `${count} ${count === 1 ? singular : pluralForm}`
}
