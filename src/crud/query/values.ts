/**
 * Filter values checked and converted to what a column stores. The short form gives strings,
 * `q` gives JSON; a string is read as the column's type in both, so the two forms agree.
 */
import type { FieldInfo } from './catalog.ts'

/** Returned by `coerce` for a value the field cannot hold. */
export const INVALID: unique symbol = Symbol('invalid')

const INTEGER = /^[+-]?\d+$/
const NUMERIC = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/
// SPEC(RFC 3339 §5.6, ISO 8601): the time and zone are optional; a time without a zone is UTC.
const DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?)([Zz]|[+-]\d{2}:?\d{2})?)?$/
const ZONE_WITHOUT_COLON = /^([+-]\d{2})(\d{2})$/
const TIME = /^([01]\d|2[0-3]):[0-5]\d(?::[0-5]\d(?:\.\d{1,6})?)?$/
const INT64_MIN = -(2n ** 63n)
const INT64_MAX = 2n ** 63n - 1n

/** The value as the field's column stores it, or `INVALID`. */
export function coerce(field: FieldInfo, raw: unknown): unknown {
  switch (field.kind) {
    case 'int': {
      const n = typeof raw === 'string' && INTEGER.test(raw) ? Number(raw) : raw
      return typeof n === 'number' && Number.isInteger(n) && n >= field.min && n <= field.max ? n : INVALID
    }
    case 'bigint': {
      let n: bigint
      if (typeof raw === 'string' && INTEGER.test(raw)) n = BigInt(raw)
      else if (typeof raw === 'number' && Number.isSafeInteger(raw)) n = BigInt(raw)
      else return INVALID
      return n >= INT64_MIN && n <= INT64_MAX ? n : INVALID
    }
    case 'float': {
      const n = typeof raw === 'string' && NUMERIC.test(raw) ? Number(raw) : raw
      return typeof n === 'number' && Number.isFinite(n) ? n : INVALID
    }
    case 'decimal':
      if (typeof raw === 'number') return Number.isFinite(raw) ? String(raw) : INVALID
      return typeof raw === 'string' && NUMERIC.test(raw) ? raw : INVALID
    case 'text':
      // NOTE: PostgreSQL text cannot hold U+0000: a 400 here, not a driver error.
      return typeof raw === 'string' && !raw.includes('\u0000') ? raw : INVALID
    case 'uuid':
      return typeof raw === 'string' && UUID.test(raw) ? raw : INVALID
    case 'enum':
      return typeof raw === 'string' && field.enum?.includes(raw) ? raw : INVALID
    case 'boolean':
      if (raw === true || raw === 'true' || raw === '1') return true
      if (raw === false || raw === 'false' || raw === '0') return false
      return INVALID
    case 'date-time':
      return typeof raw === 'string' ? (dateTime(raw) ?? INVALID) : INVALID
    case 'date-time-string':
      return typeof raw === 'string' && dateTime(raw) !== undefined ? raw : INVALID
    case 'date':
      return typeof raw === 'string' && validDate(raw) ? new Date(`${raw}T00:00:00Z`) : INVALID
    case 'date-string':
      return typeof raw === 'string' && validDate(raw) ? raw : INVALID
    case 'time':
      return typeof raw === 'string' && TIME.test(raw) ? raw : INVALID
    default:
      return INVALID
  }
}

/** What the field expects, for messages: `an integer`, `one of "a", "b"`, ... */
export function expectation(field: FieldInfo, raw: unknown): string {
  switch (field.kind) {
    case 'int': {
      // NOTE: the range is named only when an integer fell outside it.
      const integral = typeof raw === 'string' ? INTEGER.test(raw) : Number.isInteger(raw)
      return integral && field.max !== Number.MAX_SAFE_INTEGER
        ? `an integer from ${field.min} to ${field.max}`
        : 'an integer'
    }
    case 'bigint':
      return 'a 64-bit integer'
    case 'float':
      return 'a number'
    case 'decimal':
      return 'a decimal number'
    case 'text':
      return typeof raw === 'string' ? 'a string without U+0000 characters' : 'a string'
    case 'uuid':
      return 'a UUID'
    case 'enum':
      return `one of ${(field.enum ?? []).map((value) => JSON.stringify(value)).join(', ')}`
    case 'boolean':
      return 'true or false'
    case 'date-time':
    case 'date-time-string':
      return 'an ISO 8601 date-time'
    case 'date':
    case 'date-string':
      return 'an ISO 8601 date (YYYY-MM-DD)'
    case 'time':
      return 'a time (HH:MM or HH:MM:SS)'
    default:
      return 'nothing: only is_null and is_not_null apply'
  }
}

function dateTime(raw: string): Date | undefined {
  const match = DATE_TIME.exec(raw)
  if (match === null || !validDay(match[1] as string, match[2] as string, match[3] as string))
    return undefined
  const time = match[4] ?? '00:00'
  let zone = match[5] === undefined || match[5] === 'z' ? 'Z' : match[5]
  const compact = ZONE_WITHOUT_COLON.exec(zone)
  if (compact !== null) zone = `${compact[1]}:${compact[2]}`
  const date = new Date(`${match[1]}-${match[2]}-${match[3]}T${time}${zone}`)
  return Number.isNaN(date.getTime()) ? undefined : date
}

function validDate(raw: string): boolean {
  const match = DATE.exec(raw)
  return match !== null && validDay(match[1] as string, match[2] as string, match[3] as string)
}

function validDay(year: string, month: string, day: string): boolean {
  const y = Number(year)
  const m = Number(month)
  const d = Number(day)
  // NOTE: Date.UTC rolls 2024-02-30 over to March 1; the round trip catches it. Year 0 is not a year in SQL.
  return y >= 1 && m >= 1 && m <= 12 && d >= 1 && new Date(Date.UTC(y, m - 1, d)).getUTCDate() === d
}
