/**
 * The server-side template of the fortunes page: a tagged template that escapes every value
 * it interpolates (an array of values is escaped and joined), so message text is never markup.
 */

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#x27;',
}
/** Escapes text for an HTML element or a quoted attribute. */
export function escapeHtml(text: string): string {
  // PERF: one scan by character code; text with nothing to escape (most of it) is returned as it is.
  let escaped = ''
  let copied = 0
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i)
    // & < > " ' are 38, 60, 62, 34 and 39.
    if (code > 62 || (code !== 38 && code !== 60 && code !== 62 && code !== 34 && code !== 39)) continue
    escaped += text.slice(copied, i) + (ESCAPES[text[i] as string] as string)
    copied = i + 1
  }
  return copied === 0 ? text : escaped + text.slice(copied)
}

/** Markup that `html` inserts as it is: the result of an inner `html` template. */
export class Markup {
  constructor(readonly text: string) {}
}

type Value = string | number | Markup | readonly Markup[]

/** An HTML template: `html`<td>${message}</td>`` escapes `message`. */
export function html(strings: TemplateStringsArray, ...values: Value[]): Markup {
  let text = strings[0] as string
  for (let i = 0; i < values.length; i++) text += render(values[i] as Value) + strings[i + 1]
  return new Markup(text)
}

function render(value: Value): string {
  if (value instanceof Markup) return value.text
  if (typeof value === 'number') return String(value)
  if (typeof value === 'string') return escapeHtml(value)
  let text = ''
  for (const part of value) text += part.text
  return text
}
