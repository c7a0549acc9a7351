import { FormatRegistry } from '@sinclair/typebox'

// NOTE: TypeBox checks `format` only for formats it is told about; these are the
// ones REST APIs use most. Each pattern is compiled once, here.
const EMAIL =
  /^[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$/
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/
const TIME = /^\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[zZ]|[+-]\d{2}:\d{2})?$/
const DATE_TIME = /^(\d{4}-\d{2}-\d{2})[tT ](\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(?:[zZ]|[+-](\d{2}):(\d{2}))$/
const IPV4 = /^(?:(?:25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(?:25[0-5]|2[0-4]\d|1?\d?\d)$/

function isDate(value: string): boolean {
  const parts = DATE.exec(value)
  if (!parts) return false
  const year = Number(parts[1])
  const month = Number(parts[2])
  const day = Number(parts[3])
  const date = new Date(Date.UTC(year, month - 1, day))
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day
}

// SPEC(RFC 3339 §5.6): hour 00-23, minute 00-59, second 00-60 (leap second), offsets likewise.
function isDateTime(value: string): boolean {
  const parts = DATE_TIME.exec(value)
  if (!parts || !isDate(parts[1] as string)) return false
  const [hour, minute, second] = [Number(parts[2]), Number(parts[3]), Number(parts[4])]
  if (hour > 23 || minute > 59 || second > 60) return false
  return parts[5] === undefined || (Number(parts[5]) <= 23 && Number(parts[6]) <= 59)
}

function isUri(value: string): boolean {
  if (!/^[a-zA-Z][a-zA-Z\d+.-]*:/.test(value)) return false
  return URL.canParse(value)
}

const formats: Record<string, (value: string) => boolean> = {
  email: (value) => value.length <= 254 && EMAIL.test(value),
  uuid: (value) => UUID.test(value),
  date: isDate,
  time: (value) => TIME.test(value),
  'date-time': isDateTime,
  uri: isUri,
  ipv4: (value) => IPV4.test(value),
  ipv6: (value) => value.includes(':') && URL.canParse(`http://[${value}]/`),
}

/** Registers saker's string formats with TypeBox, keeping any the user registered first. */
export function registerFormats(): void {
  for (const [name, check] of Object.entries(formats)) {
    if (!FormatRegistry.Has(name)) FormatRegistry.Set(name, check)
  }
}
