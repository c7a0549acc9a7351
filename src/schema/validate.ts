import type { TSchema } from '@sinclair/typebox'
import { TypeCompiler } from '@sinclair/typebox/compiler'
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
      for (const error of compiled.Errors(value)) {
        // NOTE: TypeBox may report one value twice (missing, then wrong type); keep the first.
        if (seen.has(error.path)) continue
        seen.add(error.path)
        list.push({ in: location, path: error.path, message: error.message })
      }
      return list
    },
  }
}
