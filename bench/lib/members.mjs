// The newsletter endpoints of the bench: saker/crud's `/api/v1/members` list page and item read
// over bench_members (10,000 rows), and the hand-written or idiomatic equivalents of the peers.
import { spawnSync } from 'node:child_process'

const PG = ['-h', '127.0.0.1', '-p', '5432', '-U', 'postgres', '-d', 'test', '-v', 'ON_ERROR_STOP=1', '-qAt']

/** Runs SQL on the local PostgreSQL's `test` database with psql; returns its output. */
export function psql(sqlText) {
  const r = spawnSync('psql', [...PG, '-c', sqlText], { encoding: 'utf8' })
  if (r.status !== 0) throw new Error(`psql failed: ${(r.stderr || r.error?.message || '').trim()}`)
  return r.stdout.trim()
}

/** Creates and fills bench_members once; a no-op when it already holds its 10,000 rows. */
export function setupMembersTable(log) {
  psql(`CREATE TABLE IF NOT EXISTS bench_members (
    id serial PRIMARY KEY,
    first_name text NOT NULL,
    last_name text NOT NULL,
    email text NOT NULL UNIQUE
  )`)
  const n = Number(psql('SELECT count(*) FROM bench_members'))
  if (n === 10_000) return log('bench_members: 10,000 rows, ready')
  log(`bench_members: ${n} rows, refilling with 10,000`)
  psql(`TRUNCATE bench_members RESTART IDENTITY;
    INSERT INTO bench_members (first_name, last_name, email)
      SELECT 'First' || i, 'Last' || (i % 500), 'member' || i || '@example.com' FROM generate_series(1, 10000) i;
    ANALYZE bench_members`)
}

const MEMBER_KEYS = 'email,first_name,id,last_name'
export const shapeOf = (m) => Object.keys(m).sort().join(',')

function parsed(text) {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

/** Page 3 of 20: the envelope, 10,000 rows counted, 500 pages, first id 41. */
export function checkMembersPage(text) {
  const body = parsed(text)
  if (body === undefined || body === null || shapeOf(body) !== 'num_results,objects,page,total_pages')
    return 'want {"num_results", "page", "total_pages", "objects"}'
  if (body.num_results !== 10_000 || body.total_pages !== 500 || body.page !== 3)
    return `want 10,000 results on 500 pages, page 3; got ${body.num_results}, ${body.total_pages}, ${body.page}`
  if (
    body.objects?.length !== 20 ||
    body.objects[0].id !== 41 ||
    body.objects.some((o) => shapeOf(o) !== MEMBER_KEYS)
  )
    return 'want 20 members from id 41, with id, first_name, last_name, email'
  return null
}

/** Member 42, with exactly its four fields. */
export function checkMember(text) {
  const body = parsed(text)
  if (body?.id !== 42 || shapeOf(body) !== MEMBER_KEYS || body.email !== 'member42@example.com')
    return 'want member 42: {"id", "first_name", "last_name", "email"}'
  return null
}

export const MEMBERS_PAGE = {
  path: '/api/v1/members?page=3&results_per_page=20',
  type: 'application/json',
  check: checkMembersPage,
  database: true,
  members: true,
}
export const MEMBER_ONE = {
  path: '/api/v1/members/42',
  type: 'application/json',
  check: checkMember,
  database: true,
  members: true,
}
