import type { Context } from '../context.ts'

/**
 * Adds `field` to the reply's `Vary` header, once, keeping what is there.
 *
 * @example
 * appendVary(ctx, 'Accept-Encoding')
 */
export function appendVary(ctx: Context, field: string): void {
  const headers = ctx.responseHeaders ?? {}
  ctx.responseHeaders = headers
  const existing = headers.vary
  if (existing === undefined) {
    headers.vary = field
    return
  }
  const current = String(existing)
  if (current === '*' || current === field) return
  // PERF: the common case, a field not named yet, costs one search and no split.
  const lower = field.toLowerCase()
  if (current.toLowerCase().includes(lower)) {
    for (const name of current.split(',')) if (name.trim().toLowerCase() === lower) return
  }
  headers.vary = `${current}, ${field}`
}
