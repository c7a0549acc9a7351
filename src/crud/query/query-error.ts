import { HttpError } from '../../errors.ts'

/** The code of every list-query problem. */
export const INVALID_QUERY = 'INVALID_QUERY'

/**
 * The 400 of a list query, naming the problem: `path` points into the query (`/q/filters/0/name`,
 * `/email[like]`, `/sort`), `message` says what is wrong there.
 */
export function invalidQuery(path: string, message: string): HttpError {
  return new HttpError(400, `The query is invalid: ${message}.`, {
    code: INVALID_QUERY,
    errors: [{ in: 'query', path, message }],
  })
}

const NEEDS_ESCAPE = /[~/]/
const TILDE = /~/g
const SLASH = /\//g

/** A JSON Pointer (RFC 6901) token: `~` and `/` escaped. */
export function pointerToken(token: string): string {
  return NEEDS_ESCAPE.test(token) ? token.replace(TILDE, '~0').replace(SLASH, '~1') : token
}

/** A value as shown in a message: JSON, cut to 40 characters. */
export function show(value: unknown): string {
  const text = value === undefined ? 'nothing' : JSON.stringify(value)
  return text.length > 40 ? `${text.slice(0, 37)}...` : text
}
