import type { TSchema } from '@sinclair/typebox'
import fastJson from 'fast-json-stringify'

export type Serializer = (value: unknown) => string

/** A plain JSON copy of a schema without `$id`s: fast-json-stringify refuses one `$id` used twice. */
function withoutIds(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(withoutIds)
  if (schema === null || typeof schema !== 'object') return schema
  const copy: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(schema)) {
    if (key !== '$id') copy[key] = withoutIds(value)
  }
  return copy
}

/**
 * Compiles a response schema into a serializer. Only the schema's properties are
 * written, so a field missing from the schema never leaks.
 */
export function compileSerializer(schema: TSchema): Serializer {
  return fastJson(withoutIds(schema) as Parameters<typeof fastJson>[0]) as Serializer
}
