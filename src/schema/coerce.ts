import type { TSchema } from '@sinclair/typebox'

type Convert = (value: unknown) => unknown

/** Strings of the URL and headers become the numbers, booleans and arrays their schema asks for; defaults fill gaps. */
export type Coercer = (input: Record<string, unknown>) => Record<string, unknown>

const NUMERIC = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/

function toNumber(value: unknown): unknown {
  return typeof value === 'string' && NUMERIC.test(value) ? Number(value) : value
}

function toBoolean(value: unknown): unknown {
  if (value === 'true' || value === '1') return true
  if (value === 'false' || value === '0') return false
  return value
}

function toNull(value: unknown): unknown {
  return value === 'null' || value === '' ? null : value
}

function lastScalar(value: unknown): unknown {
  // NOTE: a repeated key for a scalar field keeps the first value, as most frameworks do.
  return Array.isArray(value) ? value[0] : value
}

function converterFor(schema: TSchema): Convert | null {
  const type = schema.type as string | string[] | undefined
  if (type === 'integer' || type === 'number') return (value) => toNumber(lastScalar(value))
  if (type === 'boolean') return (value) => toBoolean(lastScalar(value))
  if (type === 'null') return (value) => toNull(lastScalar(value))
  if (type === 'string') return lastScalar
  if (type === 'array') {
    const items = schema.items as TSchema | undefined
    const item = items === undefined ? null : converterFor(items)
    return (value) => {
      const list = Array.isArray(value) ? value : [value]
      return item ? list.map(item) : list
    }
  }
  const members = (schema.anyOf ?? schema.oneOf) as TSchema[] | undefined
  if (members) {
    // A union takes the first member's conversion that changes the value.
    const converters = members.map(converterFor).filter((convert): convert is Convert => convert !== null)
    return (value) => {
      for (const convert of converters) {
        const converted = convert(value)
        if (converted !== value) return converted
      }
      return value
    }
  }
  return null
}

/** A copy of a default, so no request can change the schema's own value. */
function copyOf(value: unknown): unknown {
  return value !== null && typeof value === 'object' ? structuredClone(value) : value
}

/**
 * Compiles the coercion of an object schema's top-level properties: URL and
 * header strings are converted (`convert`), and missing properties get their
 * schema's `default`. Returns `null` when there is nothing to do, so the request skips the step.
 */
export function compileCoercer(schema: TSchema, convert: boolean): Coercer | null {
  const properties = schema.properties as Record<string, TSchema> | undefined
  if (!properties) return null
  const steps: Array<[string, Convert | null, unknown]> = []
  for (const [name, property] of Object.entries(properties)) {
    const converter = convert ? converterFor(property) : null
    if (converter !== null || property.default !== undefined) steps.push([name, converter, property.default])
  }
  if (steps.length === 0) return null
  return (input) => {
    for (const [name, converter, fallback] of steps) {
      const value = input[name]
      if (value === undefined) {
        if (fallback !== undefined) input[name] = copyOf(fallback)
      } else if (converter !== null) {
        input[name] = converter(value)
      }
    }
    return input
  }
}
