/** The body of every unexpected error (docs/errors.md), less its `instance`. */
export const PROBLEM_500 = {
  type: 'about:blank',
  title: 'Internal Server Error',
  status: 500,
  code: 'INTERNAL_ERROR',
  detail: 'The server failed to handle the request.',
}
