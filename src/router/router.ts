/**
 * The router seam: `add` at startup, `find` per request. Implementations share
 * the conformance suite in `test/router/router.case.ts`.
 */
export interface Router<T> {
  /** Registers `value` for `method` on `path` (`/members/:id`, `/files/*`); throws on a conflict. */
  add(method: string, path: string, value: T): Endpoint<T>
  /** Finds the routes of a path; `null` when no route has that path. */
  find(path: string): PathMatch<T> | null
}

/** Everything registered on one path, by method, and the path's decoded params. */
export interface PathMatch<T> {
  readonly endpoint: Endpoint<T>
  readonly params: Record<string, string>
}

/** One path's method table, plus the `Allow` header value computed once. */
export interface Endpoint<T> {
  readonly path: string
  readonly methods: Map<string, T>
  allow: string
}
