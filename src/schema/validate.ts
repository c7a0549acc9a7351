import type { TSchema } from '@sinclair/typebox'
import { TypeCompiler } from '@sinclair/typebox/compiler'
import { type ValueError, ValueErrorType } from '@sinclair/typebox/errors'
import type { FieldError } from '../errors.ts'
import { registerFormats } from './formats.ts'

registerFormats()

/** A validator compiled once from a schema; `errors` lists every failing value with its JSON Pointer. */
export interface Validator {
  check(value: unknown): boolean
  errors(value: unknown, location: FieldError['in']): FieldError[]
}

/** Compiles a TypeBox (JSON) schema into a validator. Called at startup, never per request. */
export function compileValidator(schema: TSchema): Validator {
  const compiled = TypeCompiler.Compile(schema)
  return {
    check: (value) => compiled.Check(value),
    errors(value, location) {
      const seen = new Set<string>()
      const list: FieldError[] = []
      for (const error of flatten([...compiled.Errors(value)])) {
        // NOTE: TypeBox may report one value twice (missing, then wrong type); keep the first.
        if (seen.has(error.path)) continue
        seen.add(error.path)
        list.push({ in: location, path: error.path, message: error.message })
      }
      return list
    },
  }
}

/**
 * A union that fails says only "Expected union value". When a member got past the value's own
 * shape (an object or array whose fields are wrong), its field errors say more: report those,
 * from the member with the fewest. A scalar that fits no member keeps the union's message.
 */
function flatten(errors: ValueError[]): ValueError[] {
  const out: ValueError[] = []
  for (const error of errors) {
    if (error.type !== ValueErrorType.Union || error.errors.length === 0) {
      out.push(error)
      continue
    }
    let best: ValueError[] | undefined
    for (const member of error.errors) {
      const found = flatten([...member])
      const deeper = found.length > 0 && found.every((inner) => inner.path !== error.path)
      if (deeper && (best === undefined || found.length < best.length)) best = found
    }
    out.push(...(best ?? [error]))
  }
  return out
}
