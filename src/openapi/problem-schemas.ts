/**
 * The OpenAPI schemas of saker's error bodies, kept beside `toProblem` in
 * `src/errors.ts` in meaning: change one, change the other.
 */

/** The component names every document has; a user `$id` may not reuse them for another shape. */
export const PROBLEM = 'Problem'
export const VALIDATION_PROBLEM = 'ValidationProblem'

function fieldError(): Record<string, unknown> {
  return {
    type: 'object',
    required: ['in', 'path', 'message'],
    properties: {
      in: {
        type: 'string',
        enum: ['params', 'query', 'headers', 'body'],
        description: 'The part of the request.',
      },
      path: {
        type: 'string',
        description: "JSON Pointer (RFC 6901) to the failing value inside that part; '' is the part itself.",
      },
      message: { type: 'string' },
    },
  }
}

/**
 * Fresh copies of the `Problem` and `ValidationProblem` component schemas (RFC 9457).
 *
 * @example
 * const { Problem } = problemSchemas() // { type: 'object', required: ['type', 'title', ...], ... }
 */
export function problemSchemas(): Record<string, Record<string, unknown>> {
  return {
    [PROBLEM]: {
      type: 'object',
      description: 'An RFC 9457 problem: the body of every error response, sent as application/problem+json.',
      required: ['type', 'title', 'status', 'code', 'detail'],
      properties: {
        type: {
          type: 'string',
          description: "A URI reference for the problem type; 'about:blank' for HTTP errors.",
        },
        title: { type: 'string', description: 'The reason phrase of the status.' },
        status: { type: 'integer', minimum: 100, maximum: 599 },
        code: {
          type: 'string',
          description: 'A stable machine-readable code (e.g. NOT_FOUND): match on this.',
        },
        detail: { type: 'string', description: 'A human-readable explanation of this occurrence.' },
        instance: { type: 'string', description: 'The request target that failed.' },
        errors: { type: 'array', items: fieldError() },
        stack: { type: 'array', items: { type: 'string' }, description: 'Development mode only, on 5XX.' },
      },
      // SPEC(RFC 9457 §3.2): problem types may add extension members.
      additionalProperties: true,
    },
    [VALIDATION_PROBLEM]: {
      description: 'A 422 problem whose errors list every invalid value of the request.',
      allOf: [
        { $ref: `#/components/schemas/${PROBLEM}` },
        {
          type: 'object',
          required: ['errors'],
          properties: {
            status: { const: 422 },
            code: { const: 'VALIDATION_FAILED' },
            errors: { type: 'array', minItems: 1, items: fieldError() },
          },
        },
      ],
    },
  }
}
