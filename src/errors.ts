import { STATUS_CODES } from 'node:http'
import { Type } from '@sinclair/typebox'

/** One entry of a validation problem: where the bad value was and what is wrong with it. */
export interface FieldError {
  /** The part of the request: `params`, `query`, `headers` or `body`. */
  in: 'params' | 'query' | 'headers' | 'body'
  /** JSON Pointer (RFC 6901) to the failing value inside that part; `''` is the part itself. */
  path: string
  message: string
}

/** Stable machine-readable codes: users match on `code`, never on `detail`. */
export const ErrorCodes = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  406: 'NOT_ACCEPTABLE',
  408: 'REQUEST_TIMEOUT',
  409: 'CONFLICT',
  410: 'GONE',
  411: 'LENGTH_REQUIRED',
  412: 'PRECONDITION_FAILED',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  422: 'VALIDATION_FAILED',
  428: 'PRECONDITION_REQUIRED',
  429: 'TOO_MANY_REQUESTS',
  431: 'HEADERS_TOO_LARGE',
  500: 'INTERNAL_ERROR',
  501: 'NOT_IMPLEMENTED',
  503: 'SERVICE_UNAVAILABLE',
} as const satisfies Record<number, string>

export interface HttpErrorOptions {
  /** Overrides the default code of the status (see `ErrorCodes`). */
  code?: string
  /** Headers sent with the problem response, e.g. `Allow` or `Retry-After`. */
  headers?: Record<string, string>
  /** Field-level errors, rendered as `errors` in the problem body. */
  errors?: FieldError[]
  /** Extra members merged into the problem body (RFC 9457 §3.2 extensions). */
  extensions?: Record<string, unknown>
  cause?: unknown
}

/**
 * The one error type of saker: throw it anywhere in a request to answer with an
 * RFC 9457 `application/problem+json` body.
 *
 * @example
 * throw new HttpError(409, 'email is already registered', { code: 'DUPLICATE_EMAIL' })
 */
export class HttpError extends Error {
  readonly status: number
  readonly code: string
  readonly headers: Record<string, string> | undefined
  readonly errors: FieldError[] | undefined
  readonly extensions: Record<string, unknown> | undefined

  constructor(status: number, detail?: string, options: HttpErrorOptions = {}) {
    super(
      detail ?? STATUS_CODES[status] ?? 'Error',
      options.cause === undefined ? undefined : { cause: options.cause },
    )
    this.name = 'HttpError'
    this.status = status
    this.code = options.code ?? ErrorCodes[status as keyof typeof ErrorCodes] ?? `HTTP_${status}`
    this.headers = options.headers
    this.errors = options.errors
    this.extensions = options.extensions
  }
}

/** The RFC 9457 body saker sends for every error. */
export interface Problem {
  type: string
  title: string
  status: number
  code: string
  detail: string
  instance?: string
  errors?: FieldError[]
  stack?: string[]
  [extension: string]: unknown
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json'

/** Builds the problem body of an error; `exposeStack` adds the stack (development only). */
export function toProblem(error: HttpError, instance?: string, stack?: string): Problem {
  const problem: Problem = {
    ...error.extensions,
    type: 'about:blank',
    title: STATUS_CODES[error.status] ?? 'Error',
    status: error.status,
    code: error.code,
    detail: error.message,
  }
  if (instance !== undefined) problem.instance = instance
  if (error.errors !== undefined) problem.errors = error.errors
  if (stack !== undefined) problem.stack = stack.split('\n').map((line) => line.trim())
  return problem
}

/** Turns anything thrown into an HttpError; unknown errors become a 500 that reveals nothing. */
export function asHttpError(error: unknown): HttpError {
  if (error instanceof HttpError) return error
  return new HttpError(500, INTERNAL_DETAIL, { cause: error })
}

/** The detail of every unexpected error: it reveals nothing of the cause. */
export const INTERNAL_DETAIL = 'The server failed to handle the request.'

/**
 * Declares an error response in a route's `response` map, so OpenAPI documents it
 * as an `application/problem+json` Problem (the body itself is always saker's).
 *
 * @example
 * app.post('/members', { body: MemberInput, response: { 201: Member, 409: ProblemSchema } }, addMember)
 */
export const ProblemSchema = Type.Unsafe<Problem>({ type: 'object', description: 'An RFC 9457 problem.' })
