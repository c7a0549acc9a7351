import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { getTableName, sql } from 'drizzle-orm'
import {
  datetime,
  decimal,
  double,
  int,
  bigint as mysqlBigint,
  boolean as mysqlBoolean,
  date as mysqlDate,
  mysqlEnum,
  json as mysqlJson,
  mysqlTable,
  time as mysqlTime,
  timestamp as mysqlTimestamp,
  varchar as mysqlVarchar,
  tinyint,
} from 'drizzle-orm/mysql-core'
import {
  bigint,
  bigserial,
  boolean,
  char,
  date,
  doublePrecision,
  inet,
  integer,
  interval,
  jsonb,
  numeric,
  PgDialect,
  pgEnum,
  pgTable,
  real,
  serial,
  smallint,
  text,
  time,
  timestamp,
  uuid,
  varchar,
} from 'drizzle-orm/pg-core'
import {
  blob,
  integer as sqliteInteger,
  numeric as sqliteNumeric,
  real as sqliteReal,
  sqliteTable,
  text as sqliteText,
} from 'drizzle-orm/sqlite-core'
import { catalogOf, type FieldCatalog } from '../../../src/crud/query/index.ts'

/** Each field as `type kind [format] [nullable]`. */
function shapes(catalog: FieldCatalog): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [name, field] of catalog.fields) {
    out[name] = [field.type, field.kind, field.format, field.nullable ? 'nullable' : undefined]
      .filter((part) => part !== undefined)
      .join(' ')
  }
  return out
}

describe('catalogOf: field types from the Drizzle columns', () => {
  test('PostgreSQL', () => {
    const mood = pgEnum('mood', ['happy', 'sad'])
    const table = pgTable('t', {
      id: serial('id').primaryKey(),
      small: smallint('small').notNull(),
      int: integer('int').notNull(),
      big53: bigint('big53', { mode: 'number' }).notNull(),
      big64: bigint('big64', { mode: 'bigint' }).notNull(),
      bigSerial: bigserial('big_serial', { mode: 'number' }).notNull(),
      real: real('real').notNull(),
      double: doublePrecision('double').notNull(),
      decimal: numeric('decimal', { precision: 10, scale: 2 }).notNull(),
      decimalNumber: numeric('decimal_number', { mode: 'number' }).notNull(),
      text: text('text').notNull(),
      varchar: varchar('varchar', { length: 10 }).notNull(),
      char: char('char', { length: 2 }).notNull(),
      textEnum: text('text_enum', { enum: ['a', 'b'] }).notNull(),
      mood: mood('mood').notNull(),
      uuid: uuid('uuid').notNull(),
      bool: boolean('bool').notNull(),
      timestamp: timestamp('timestamp').notNull(),
      timestampTz: timestamp('timestamp_tz', { withTimezone: true, mode: 'string' }).notNull(),
      date: date('date', { mode: 'date' }).notNull(),
      dateString: date('date_string').notNull(),
      time: time('time').notNull(),
      interval: interval('interval').notNull(),
      inet: inet('inet').notNull(),
      jsonb: jsonb('jsonb'),
    })
    const catalog = catalogOf(table)
    assert.deepEqual(shapes(catalog), {
      id: 'integer int',
      small: 'integer int',
      int: 'integer int',
      big53: 'integer int',
      big64: 'integer bigint int64',
      bigSerial: 'integer int',
      real: 'number float',
      double: 'number float',
      decimal: 'number decimal decimal',
      decimalNumber: 'number float',
      text: 'string text',
      varchar: 'string text',
      char: 'string text',
      textEnum: 'string enum',
      mood: 'string enum',
      uuid: 'string uuid uuid',
      bool: 'boolean boolean',
      timestamp: 'date-time date-time',
      timestampTz: 'date-time date-time-string',
      date: 'date date',
      dateString: 'date date-string',
      time: 'string time time',
      interval: 'string opaque',
      inet: 'string opaque',
      jsonb: 'json opaque nullable',
    })
    const range = (name: string) => {
      const field = catalog.fields.get(name)
      return [field?.min, field?.max]
    }
    assert.deepEqual(range('small'), [-32768, 32767])
    assert.deepEqual(range('int'), [-2147483648, 2147483647])
    assert.deepEqual(range('id'), [-2147483648, 2147483647])
    assert.deepEqual(range('big53'), [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER])
    assert.deepEqual(catalog.fields.get('mood')?.enum, ['happy', 'sad'])
    assert.deepEqual(catalog.fields.get('textEnum')?.enum, ['a', 'b'])
    assert.equal(catalog.fields.get('text')?.column, table.text)
  })

  test('SQLite', () => {
    const table = sqliteTable('t', {
      id: sqliteInteger('id').primaryKey(),
      real: sqliteReal('real').notNull(),
      numeric: sqliteNumeric('numeric').notNull(),
      text: sqliteText('text').notNull(),
      textEnum: sqliteText('text_enum', { enum: ['a', 'b'] }).notNull(),
      bool: sqliteInteger('bool', { mode: 'boolean' }).notNull(),
      seconds: sqliteInteger('seconds', { mode: 'timestamp' }).notNull(),
      millis: sqliteInteger('millis', { mode: 'timestamp_ms' }),
      json: sqliteText('json', { mode: 'json' }),
      blob: blob('blob'),
    })
    assert.deepEqual(shapes(catalogOf(table)), {
      id: 'integer int',
      real: 'number float',
      numeric: 'number decimal decimal',
      text: 'string text',
      textEnum: 'string enum',
      bool: 'boolean boolean',
      seconds: 'date-time date-time',
      millis: 'date-time date-time nullable',
      json: 'json opaque nullable',
      blob: 'json opaque nullable',
    })
  })

  test('MySQL', () => {
    const table = mysqlTable('t', {
      id: int('id').primaryKey().autoincrement(),
      tiny: tinyint('tiny').notNull(),
      big: mysqlBigint('big', { mode: 'number' }).notNull(),
      double: double('double').notNull(),
      decimal: decimal('decimal', { precision: 10, scale: 2 }).notNull(),
      varchar: mysqlVarchar('varchar', { length: 20 }).notNull(),
      kind: mysqlEnum('kind', ['a', 'b']).notNull(),
      bool: mysqlBoolean('bool').notNull(),
      datetime: datetime('datetime').notNull(),
      datetimeString: datetime('datetime_string', { mode: 'string' }).notNull(),
      timestamp: mysqlTimestamp('timestamp').notNull(),
      date: mysqlDate('date').notNull(),
      time: mysqlTime('time').notNull(),
      json: mysqlJson('json'),
    })
    assert.deepEqual(shapes(catalogOf(table)), {
      id: 'integer int',
      tiny: 'integer int',
      big: 'integer int',
      double: 'number float',
      decimal: 'number decimal decimal',
      varchar: 'string text',
      kind: 'string enum',
      bool: 'boolean boolean',
      datetime: 'date-time date-time',
      datetimeString: 'date-time date-time-string',
      timestamp: 'date-time date-time',
      date: 'date date',
      time: 'string time time',
      json: 'json opaque nullable',
    })
  })
})

const members = pgTable('members', {
  id: serial('id').primaryKey(),
  email: text('email').notNull(),
  secret: text('secret'),
  referrer_id: integer('referrer_id'),
})
const lists = pgTable('lists', {
  id: serial('id').primaryKey(),
  name: text('name').notNull(),
  owner_id: integer('owner_id'),
})
const memberships = pgTable('memberships', { member_id: integer('member_id'), list_id: integer('list_id') })

describe('catalogOf: readable fields and relations', () => {
  test('readable picks and orders the fields; hidden columns are absent', () => {
    const catalog = catalogOf(members, { readable: ['email', 'id'] })
    assert.deepEqual(catalog.names, ['email', 'id'])
    assert.equal(catalog.fields.has('secret'), false)
    assert.deepEqual(catalogOf(members).names, ['id', 'email', 'secret', 'referrer_id'])
  })

  test('relations get their own catalog, over a table alias per depth', () => {
    const catalog = catalogOf(members, {
      relations: {
        referrer: {
          table: members,
          kind: 'one',
          localColumn: 'referrer_id',
          foreignColumn: 'id',
          readable: ['id'],
        },
        lists: {
          table: lists,
          kind: 'many',
          localColumn: members.id,
          foreignColumn: lists.id,
          through: { table: memberships, localColumn: memberships.member_id, foreignColumn: 'list_id' },
          relations: {
            owner: { table: members, kind: 'one', localColumn: lists.owner_id, foreignColumn: members.id },
          },
        },
      },
    })
    const referrer = catalog.relations.get('referrer')
    const listsInfo = catalog.relations.get('lists')
    assert.ok(referrer && listsInfo)
    assert.deepEqual(referrer.catalog.names, ['id'])
    assert.equal(referrer.source, members)
    assert.equal(getTableName(referrer.alias), 'saker_r1')
    assert.equal(referrer.local, members.referrer_id)
    const owner = listsInfo.catalog.relations.get('owner')
    assert.ok(owner && listsInfo.through)
    assert.equal(getTableName(owner.alias), 'saker_r2')
    assert.equal(getTableName(listsInfo.through.alias), 'saker_t1')

    // The related columns render against the alias, the local ones against their own table.
    const dialect = new PgDialect()
    const render = (chunk: unknown) => dialect.sqlToQuery(sql`${chunk}`).sql
    assert.equal(render(referrer.foreign), '"saker_r1"."id"')
    assert.equal(render(referrer.local), '"members"."referrer_id"')
    assert.equal(render(owner.local), '"saker_r1"."owner_id"')
    assert.equal(render(owner.foreign), '"saker_r2"."id"')
    assert.equal(render(listsInfo.through.local), '"saker_t1"."member_id"')
    assert.equal(render(listsInfo.through.foreign), '"saker_t1"."list_id"')
  })

  test('a mistake in the options fails at startup, naming it', () => {
    assert.throws(() => catalogOf(members, { readable: ['id', 'nope'] }), {
      message: 'catalogOf: "nope" is not a column of table "members".',
    })
    assert.throws(
      () =>
        catalogOf(members, {
          relations: { email: { table: lists, kind: 'many', localColumn: 'id', foreignColumn: 'owner_id' } },
        }),
      { message: 'catalogOf: relation "email" has the name of a column of "members".' },
    )
    assert.throws(
      () =>
        catalogOf(members, {
          relations: { lists: { table: lists, kind: 'many', localColumn: 'id', foreignColumn: 'member_id' } },
        }),
      { message: 'catalogOf: relation "lists": "member_id" is not a column of "lists".' },
    )
    assert.throws(
      () =>
        catalogOf(members, {
          relations: {
            lists: { table: lists, kind: 'many', localColumn: lists.id, foreignColumn: lists.owner_id },
          },
        }),
      { message: 'catalogOf: relation "lists": column "id" is not a column of "members".' },
    )
    assert.throws(
      () =>
        catalogOf(members, {
          relations: {
            lists: { table: lists, kind: 'many', localColumn: 'id', foreignColumn: 'id', readable: ['nope'] },
          },
        }),
      { message: 'catalogOf: "nope" is not a column of table "lists".' },
    )
  })
})
