/**
 * Entity tags for saker/crud (RFC 9110 §8.8.3, §13.1.1-2): a strong validator hashed from the
 * JSON text that is sent (a row's is hashed from its serialization as a row, so a read and a
 * later `If-Match` hash the same text), and the `If-Match` / `If-None-Match` comparisons.
 */
import { hash } from 'node:crypto'

/** A strong entity tag of a JSON text as sent: `"` + base64url(sha1(text)) + `"`. */
export function etagOf(json: string): string {
  return `"${hash('sha1', json, 'base64url')}"`
}

/** A parsed `If-Match` / `If-None-Match`: `*`, or the listed tags. */
export type Condition = '*' | Array<{ weak: boolean; tag: string }>

const ENTITY_TAG = /(W\/)?("[\x21\x23-\x7e\x80-\xff]*")/g

/** Parses a conditional header; `undefined` when the request has none. */
export function parseCondition(header: string | string[] | undefined): Condition | undefined {
  if (header === undefined) return undefined
  const text = Array.isArray(header) ? header.join(', ') : header
  if (text.trim() === '*') return '*'
  return [...text.matchAll(ENTITY_TAG)].map((match) => ({
    weak: match[1] !== undefined,
    tag: match[2] as string,
  }))
}

/** SPEC(RFC 9110 §13.1.2): If-None-Match uses the weak comparison (W/ is ignored). */
export function noneMatch(condition: Condition, etag: string): boolean {
  if (condition === '*') return false
  const opaque = etag.startsWith('W/') ? etag.slice(2) : etag
  return !condition.some((given) => given.tag === opaque)
}

/** SPEC(RFC 9110 §13.1.1): If-Match uses the strong comparison (a weak tag never matches). */
export function matches(condition: Condition, etag: string): boolean {
  if (condition === '*') return true
  if (etag.startsWith('W/')) return false
  return condition.some((given) => !given.weak && given.tag === etag)
}
