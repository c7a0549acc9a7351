import type { TSchema } from '@sinclair/typebox'
import fastJson from 'fast-json-stringify'

export type Serializer = (value: unknown) => string

/**
 * A plain JSON copy of a schema where each `$id` stands once: fast-json-stringify
 * refuses one `$id` used twice (a `Member` in two properties); later copies lose it.
 */
function withIdsOnce(schema: unknown, seen = new Set<string>()): unknown {
  if (Array.isArray(schema)) return schema.map((item) => withIdsOnce(item, seen))
  if (schema === null || typeof schema !== 'object') return schema
  const copy: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(schema)) {
    if (key === '$id' && typeof value === 'string') {
      if (seen.has(value)) continue
      seen.add(value)
    }
    copy[key] = withIdsOnce(value, seen)
  }
  return copy
}

/**
 * Compiles a response schema into a serializer. Only the schema's properties are
 * written, so a field missing from the schema never leaks.
 */
export function compileSerializer(schema: TSchema): Serializer {
  return fastJson(withIdsOnce(schema) as Parameters<typeof fastJson>[0]) as Serializer
}
