// TechEmpower's database tests and the members queries on `pg` (node-postgres; a pool of 10, as
// saker's), for Fastify's second driver variant. Named statements are prepared once per connection.
import pg from 'pg'
import { clampCount, techempowerQueries } from './techempower-queries.mjs'

const pool = new pg.Pool({
  connectionString: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test',
  max: 10,
})

const WORLD = { name: 'world', text: 'select id, randomnumber as "randomNumber" from world where id = $1' }
const FORTUNES = { name: 'fortunes', text: 'select id, message from fortune' }

/** `update ... from (values ($1::int, $2::int), ...)`, one statement per batch size, prepared once. */
function updateStatement(count) {
  const values = Array.from({ length: count }, (_, i) => `($${2 * i + 1}::int, $${2 * i + 2}::int)`)
  return {
    name: `update-${count}`,
    text: `update world set randomnumber = v.n from (values ${values.join(', ')}) as v(id, n) where world.id = v.id`,
  }
}
const updates = new Map()

export { clampCount }
export const { readWorld, readWorlds, cachedWorlds, updateWorlds, fortunesPage } = techempowerQueries({
  readRow: (id) => pool.query({ ...WORLD, values: [id] }).then((result) => result.rows[0]),
  readFortunes: () => pool.query(FORTUNES).then((result) => result.rows),
  writeNumbers: (pairs) => {
    let statement = updates.get(pairs.length)
    if (statement === undefined) updates.set(pairs.length, (statement = updateStatement(pairs.length)))
    return pool.query({ ...statement, values: pairs.flat() })
  },
})

const PAGE = {
  name: 'members-page',
  text: 'select id, first_name, last_name, email from bench_members order by id limit $1 offset $2',
}
const COUNT = { name: 'members-count', text: 'select count(*)::int as total from bench_members' }
const MEMBER = {
  name: 'member',
  text: 'select id, first_name, last_name, email from bench_members where id = $1',
}

/** The members list page (`size` rows from `offset`, by id) and the table's row count, together. */
export const membersPage = (size, offset) =>
  Promise.all([
    pool.query({ ...PAGE, values: [size, offset] }).then((result) => result.rows),
    pool.query(COUNT).then((result) => result.rows[0].total),
  ])

/** One member, or undefined. */
export const member = (id) => pool.query({ ...MEMBER, values: [id] }).then((result) => result.rows[0])
