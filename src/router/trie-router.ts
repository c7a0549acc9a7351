import type { Endpoint, PathMatch, Router } from './router.ts'

interface Node<T> {
  statics: Map<string, Node<T>>
  param: { name: string; node: Node<T> } | null
  wildcard: Endpoint<T> | null
  endpoint: Endpoint<T> | null
}

const NO_PARAMS: Record<string, string> = Object.freeze({}) as Record<string, string>

/** Methods every endpoint answers besides its own, for the `Allow` header. */
function allowOf(methods: Map<string, unknown>): string {
  const allowed = new Set(methods.keys())
  if (allowed.has('GET')) allowed.add('HEAD')
  allowed.add('OPTIONS')
  return [...allowed].sort().join(', ')
}

function newNode<T>(): Node<T> {
  return { statics: new Map(), param: null, wildcard: null, endpoint: null }
}

/** A path without params, answered without walking the trie. */
interface StaticPath<T> {
  readonly path: string
  readonly match: PathMatch<T>
}

/**
 * Where a static path is kept: its length and last character. PERF: a request's path is a new
 * string, so a Map keyed by it would hash every character of it on every request; this key costs
 * two reads, and the few paths that share it are told apart by comparing strings.
 */
function staticKey(path: string): number {
  return path.length * 256 + (path.charCodeAt(path.length - 1) & 255)
}

/**
 * A segment trie: static segments, `:name` params and a trailing `*` wildcard.
 * Static segments win over params, params over the wildcard, with backtracking.
 * PERF: paths without params are found without the trie (`staticKey`); no regex ever runs.
 */
export class TrieRouter<T> implements Router<T> {
  #root: Node<T> = newNode()
  #staticPaths = new Map<number, StaticPath<T>[]>()

  add(method: string, path: string, value: T): Endpoint<T> {
    if (!path.startsWith('/')) throw new Error(`Route path must start with "/": ${path}`)
    const segments = path.split('/').slice(1)
    let node = this.#root
    const names = new Set<string>()
    let endpoint: Endpoint<T> | undefined
    for (let i = 0; i < segments.length; i++) {
      const segment = segments[i] as string
      if (segment === '*') {
        if (i !== segments.length - 1) throw new Error(`Wildcard must be the last segment: ${path}`)
        node.wildcard ??= { path, methods: new Map(), allow: '' }
        endpoint = node.wildcard
        break
      }
      if (segment.startsWith(':')) {
        const name = segment.slice(1)
        if (!/^[A-Za-z_$][\w$]*$/.test(name)) throw new Error(`Invalid param name "${name}" in ${path}`)
        if (names.has(name)) throw new Error(`Duplicate param "${name}" in ${path}`)
        names.add(name)
        if (node.param && node.param.name !== name) {
          throw new Error(
            `Param ":${name}" conflicts with ":${node.param.name}" at the same place in ${path}`,
          )
        }
        node.param ??= { name, node: newNode() }
        node = node.param.node
        continue
      }
      let next = node.statics.get(segment)
      if (!next) {
        next = newNode()
        node.statics.set(segment, next)
      }
      node = next
    }
    if (!endpoint) {
      node.endpoint ??= { path, methods: new Map(), allow: '' }
      endpoint = node.endpoint
    }
    if (endpoint.methods.has(method)) throw new Error(`Route ${method} ${path} is already registered`)
    endpoint.methods.set(method, value)
    endpoint.allow = allowOf(endpoint.methods)
    if (names.size === 0 && !path.includes('*') && endpoint.methods.size === 1)
      this.#addStatic(path, endpoint)
    return endpoint
  }

  #addStatic(path: string, endpoint: Endpoint<T>): void {
    const key = staticKey(path)
    const sharing = this.#staticPaths.get(key)
    const entry = { path, match: { endpoint, params: NO_PARAMS } }
    if (sharing === undefined) this.#staticPaths.set(key, [entry])
    else sharing.push(entry)
  }

  find(path: string): PathMatch<T> | null {
    const sharing = this.#staticPaths.get(staticKey(path))
    if (sharing !== undefined) {
      for (let i = 0; i < sharing.length; i++) {
        const entry = sharing[i] as StaticPath<T>
        if (entry.path === path) return entry.match
      }
    }
    const params: Record<string, string> = {}
    const endpoint = match(this.#root, path, 1, params)
    return endpoint ? { endpoint, params } : null
  }
}

/** Walks the trie from `start` (just past a "/"); fills `params` on success. */
function match<T>(
  node: Node<T>,
  path: string,
  start: number,
  params: Record<string, string>,
): Endpoint<T> | null {
  const slash = path.indexOf('/', start)
  const end = slash === -1 ? path.length : slash
  const segment = path.slice(start, end)
  const child = node.statics.get(segment)
  if (child) {
    const found = slash === -1 ? child.endpoint : match(child, path, slash + 1, params)
    if (found) return found
  }
  if (node.param && segment !== '') {
    const found = slash === -1 ? node.param.node.endpoint : match(node.param.node, path, slash + 1, params)
    if (found) {
      params[node.param.name] = segment
      return found
    }
  }
  if (node.wildcard) {
    params['*'] = path.slice(start)
    return node.wildcard
  }
  return null
}
