import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { getTableColumns } from 'drizzle-orm'
import {
  bigint,
  boolean,
  date,
  doublePrecision,
  integer,
  jsonb,
  numeric,
  pgEnum,
  pgTable,
  serial,
  smallint,
  text,
  time,
  timestamp,
  uuid,
  varchar,
} from 'drizzle-orm/pg-core'
import { HttpError, saker } from 'saker'
import { inject } from 'saker/testing'
import {
  catalogOf,
  type Filter,
  type ListQuery,
  OPERATOR_ALIASES,
  type Operator,
  parseListQuery,
  type RawQuery,
} from '../../../src/crud/query/index.ts'
import { toProblem } from '../../../src/errors.ts'

const mood = pgEnum('mood', ['happy', 'sad'])
const members = pgTable('members', {
  id: serial('id').primaryKey(),
  first_name: text('first_name').notNull(),
  last_name: text('last_name').notNull(),
  email: varchar('email', { length: 200 }).notNull(),
  age: integer('age'),
  rank: smallint('rank'),
  score: doublePrecision('score'),
  balance: numeric('balance'),
  visits: bigint('visits', { mode: 'bigint' }),
  active: boolean('active').notNull(),
  mood: mood('mood'),
  token: uuid('token'),
  birthday: date('birthday'),
  joined_at: timestamp('joined_at').notNull(),
  deleted_at: timestamp('deleted_at'),
  wake_at: time('wake_at'),
  meta: jsonb('meta'),
  referrer_id: integer('referrer_id'),
  logins: integer('logins').notNull(),
  quota: integer('quota').notNull(),
  password_hash: text('password_hash'),
})
const notes = pgTable('notes', {
  id: serial('id').primaryKey(),
  member_id: integer('member_id').notNull(),
  body: text('body').notNull(),
  stars: integer('stars').notNull(),
})
const lists = pgTable('lists', {
  id: serial('id').primaryKey(),
  name: text('name').notNull(),
  owner_id: integer('owner_id').notNull(),
})
const memberships = pgTable('memberships', {
  member_id: integer('member_id').notNull(),
  list_id: integer('list_id').notNull(),
})

const readable = Object.keys(getTableColumns(members)).filter((key) => key !== 'password_hash')
const catalog = catalogOf(members, {
  readable,
  relations: {
    notes: { table: notes, kind: 'many', localColumn: members.id, foreignColumn: notes.member_id },
    referrer: {
      table: members,
      kind: 'one',
      localColumn: members.referrer_id,
      foreignColumn: members.id,
      readable: ['id', 'first_name', 'email'],
    },
    lists: {
      table: lists,
      kind: 'many',
      localColumn: members.id,
      foreignColumn: lists.id,
      through: { table: memberships, localColumn: memberships.member_id, foreignColumn: memberships.list_id },
      relations: {
        owner: { table: members, kind: 'one', localColumn: lists.owner_id, foreignColumn: members.id },
      },
    },
  },
})

const EMPTY: ListQuery = {
  filters: [],
  sort: [],
  fields: undefined,
  include: undefined,
  includeFields: undefined,
  page: undefined,
  resultsPerPage: undefined,
  limit: undefined,
  offset: undefined,
  cursor: undefined,
  count: undefined,
}

function q(value: unknown, extra: RawQuery = {}): RawQuery {
  return { q: JSON.stringify(value), ...extra }
}

function filters(...list: unknown[]): RawQuery {
  return q({ filters: list })
}

function parse(raw: RawQuery): ListQuery {
  return parseListQuery(raw, catalog)
}

function value(field: string, op: string, v: unknown): Filter {
  return { kind: 'value', field, op, value: v } as Filter
}

/** The problem body of the 400 that parsing `raw` throws. */
function problemOf(raw: RawQuery): unknown {
  try {
    parse(raw)
  } catch (error) {
    assert.ok(error instanceof HttpError, 'an HttpError')
    return toProblem(error)
  }
  assert.fail('expected a 400')
}

function invalid(path: string, message: string) {
  return {
    type: 'about:blank',
    title: 'Bad Request',
    status: 400,
    code: 'INVALID_QUERY',
    detail: `The query is invalid: ${message}.`,
    errors: [{ in: 'query', path, message }],
  }
}

describe('parseListQuery: nothing asked', () => {
  test('an empty query string is the empty ListQuery, every member present', () => {
    assert.deepEqual(parse({}), EMPTY)
    assert.deepEqual(Object.keys(parse({})), Object.keys(EMPTY))
  })

  test('undefined values are ignored', () => {
    assert.deepEqual(parse({ email: undefined, sort: undefined }), EMPTY)
  })
})

describe('parseListQuery: operators', () => {
  // A field and a value (JSON, and as the short form writes it) each operator applies to.
  const samples: Record<Operator, { field: string; json: unknown; short: string; value: unknown }> = {
    eq: { field: 'age', json: 18, short: '18', value: 18 },
    ne: { field: 'age', json: 18, short: '18', value: 18 },
    gt: { field: 'age', json: 18, short: '18', value: 18 },
    lt: { field: 'age', json: 18, short: '18', value: 18 },
    gte: { field: 'age', json: 18, short: '18', value: 18 },
    lte: { field: 'age', json: 18, short: '18', value: 18 },
    in: { field: 'id', json: [1, 2, 3], short: '1,2,3', value: [1, 2, 3] },
    not_in: { field: 'id', json: [1, 2], short: '1,2', value: [1, 2] },
    is_null: { field: 'deleted_at', json: undefined, short: '', value: null },
    is_not_null: { field: 'deleted_at', json: undefined, short: '', value: null },
    like: { field: 'email', json: '%@example.com', short: '%@example.com', value: '%@example.com' },
    ilike: { field: 'email', json: '%@EXAMPLE.com', short: '%@EXAMPLE.com', value: '%@EXAMPLE.com' },
    not_like: { field: 'email', json: 'a%', short: 'a%', value: 'a%' },
    between: { field: 'age', json: [18, 30], short: '18,30', value: [18, 30] },
    has: { field: 'referrer', json: undefined, short: '', value: undefined },
    any: { field: 'notes', json: undefined, short: '', value: undefined },
  }

  for (const [op, names] of Object.entries(OPERATOR_ALIASES) as [Operator, string[]][]) {
    const sample = samples[op]
    const expected: Filter =
      op === 'has' || op === 'any'
        ? { kind: 'relation', relation: sample.field, filter: undefined }
        : (value(sample.field, op, sample.value) as Filter)
    for (const name of names) {
      test(`"${name}" is ${op} in q and in the short form`, () => {
        const json = parse(filters({ name: sample.field, op: name, val: sample.json }))
        assert.deepEqual(json, { ...EMPTY, filters: [expected] })
        const short = parse({ [`${sample.field}[${name}]`]: sample.short })
        assert.deepEqual(short, json)
      })
    }
  }

  test('every spelling of Flask-RESTless is known, plus not_like and between', () => {
    assert.deepEqual(Object.values(OPERATOR_ALIASES).flat().sort(), [
      '!=',
      '<',
      '<=',
      '==',
      '>',
      '>=',
      'any',
      'between',
      'does_not_equal',
      'eq',
      'equal_to',
      'equals',
      'ge',
      'geq',
      'gt',
      'gte',
      'has',
      'ilike',
      'in',
      'is_not_null',
      'is_null',
      'le',
      'leq',
      'like',
      'lt',
      'lte',
      'ne',
      'neq',
      'not_equal_to',
      'not_in',
      'not_like',
    ])
  })

  test('field=value alone is eq', () => {
    assert.deepEqual(parse({ first_name: 'Ada' }).filters, [value('first_name', 'eq', 'Ada')])
  })

  test('null in q: == is is_null, != is is_not_null', () => {
    assert.deepEqual(parse(filters({ name: 'age', op: '==', val: null })).filters, [
      value('age', 'is_null', null),
    ])
    assert.deepEqual(parse(filters({ name: 'age', op: '!=', val: null })).filters, [
      value('age', 'is_not_null', null),
    ])
  })

  test('in with an empty list, from either form', () => {
    assert.deepEqual(parse({ 'id[in]': '' }).filters, [value('id', 'in', [])])
    assert.deepEqual(parse(filters({ name: 'id', op: 'in', val: [] })).filters, [value('id', 'in', [])])
  })

  test('short-form lists: "\\," is a comma, "\\\\" a backslash; repeated in lists are joined', () => {
    assert.deepEqual(parse({ 'first_name[in]': 'a\\,b,c\\\\,d' }).filters, [
      value('first_name', 'in', ['a,b', 'c\\', 'd']),
    ])
    assert.deepEqual(parse({ 'id[in]': ['1,2', '3'] }).filters, [value('id', 'in', [1, 2, 3])])
    assert.deepEqual(parse({ 'first_name[in]': ',' }).filters, [value('first_name', 'in', ['', ''])])
  })

  test('a repeated short-form filter is one condition per occurrence', () => {
    assert.deepEqual(parse({ 'age[gte]': ['18', '21'] }).filters, [
      value('age', 'gte', 18),
      value('age', 'gte', 21),
    ])
  })

  test('column to column: {"name", "op", "field"}', () => {
    assert.deepEqual(parse(filters({ name: 'logins', op: '>=', field: 'quota' })).filters, [
      { kind: 'column', field: 'logins', op: 'gte', other: 'quota' },
    ])
    assert.deepEqual(parse(filters({ name: 'lists__name', op: 'eq', field: 'lists__name' })).filters, [
      {
        kind: 'relation',
        relation: 'lists',
        filter: { kind: 'column', field: 'name', op: 'eq', other: 'name' },
      },
    ])
  })

  test('or, and and not nest; the top-level list is ANDed', () => {
    const parsed = parse(
      filters(
        { or: [{ name: 'age', op: 'lt', val: 18 }, { and: [{ name: 'active', op: 'eq', val: true }] }] },
        { not: { name: 'email', op: 'like', val: '%@spam.com' } },
        { and: [] },
      ),
    )
    assert.deepEqual(parsed.filters, [
      {
        kind: 'or',
        filters: [value('age', 'lt', 18), { kind: 'and', filters: [value('active', 'eq', true)] }],
      },
      { kind: 'not', filter: value('email', 'like', '%@spam.com') },
      { kind: 'and', filters: [] },
    ])
  })

  test('has and any take a filter, a list of filters (ANDed) or nothing', () => {
    const inner = { name: 'stars', op: 'gte', val: 4 }
    assert.deepEqual(parse(filters({ name: 'notes', op: 'any', val: inner })).filters, [
      { kind: 'relation', relation: 'notes', filter: value('stars', 'gte', 4) },
    ])
    assert.deepEqual(parse(filters({ name: 'notes', op: 'any', val: [inner, inner] })).filters, [
      {
        kind: 'relation',
        relation: 'notes',
        filter: { kind: 'and', filters: [value('stars', 'gte', 4), value('stars', 'gte', 4)] },
      },
    ])
    assert.deepEqual(
      parse(filters({ name: 'referrer', op: 'has', val: { name: 'first_name', op: '==', val: 'Ada' } }))
        .filters,
      [{ kind: 'relation', relation: 'referrer', filter: value('first_name', 'eq', 'Ada') }],
    )
  })

  test('relations nest: lists__owner__email and lists.owner.email', () => {
    const expected = [
      {
        kind: 'relation',
        relation: 'lists',
        filter: { kind: 'relation', relation: 'owner', filter: value('email', 'eq', 'ada@example.com') },
      },
    ]
    assert.deepEqual(
      parse(filters({ name: 'lists__owner__email', op: 'eq', val: 'ada@example.com' })).filters,
      expected,
    )
    assert.deepEqual(parse({ 'lists.owner.email': 'ada@example.com' }).filters, expected)
    assert.deepEqual(
      parse(
        filters({
          name: 'lists',
          op: 'any',
          val: { name: 'owner', op: 'has', val: { name: 'email', op: 'eq', val: 'ada@example.com' } },
        }),
      ).filters,
      expected,
    )
  })
})

describe('parseListQuery: values are read as the column type', () => {
  const cases: [string, string, unknown, unknown][] = [
    // field, short-form text, JSON value, the value in the AST
    ['age', '-42', -42, -42],
    ['rank', '32767', 32767, 32767],
    ['score', '2.5e1', 25, 25],
    ['score', '.5', 0.5, 0.5],
    ['balance', '12.50', '12.50', '12.50'],
    ['visits', '9007199254740993', '9007199254740993', 9007199254740993n],
    ['active', 'true', true, true],
    ['active', '0', false, false],
    ['mood', 'happy', 'happy', 'happy'],
    [
      'token',
      '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b',
      '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b',
      '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b',
    ],
    ['birthday', '2024-02-29', '2024-02-29', '2024-02-29'],
    ['joined_at', '2024-01-01', '2024-01-01', new Date('2024-01-01T00:00:00Z')],
    ['joined_at', '2024-01-01T10:30', '2024-01-01T10:30', new Date('2024-01-01T10:30:00Z')],
    [
      'joined_at',
      '2024-01-01T10:30:00.250+02:00',
      '2024-01-01T10:30:00.250+0200',
      new Date('2024-01-01T08:30:00.250Z'),
    ],
    ['joined_at', '2024-01-01 10:30:00Z', '2024-01-01t10:30:00z', new Date('2024-01-01T10:30:00Z')],
    ['wake_at', '07:30', '07:30:15.5', undefined],
    ['first_name', '', '', ''],
  ]
  for (const [field, short, json, expected] of cases) {
    test(`${field}: ${JSON.stringify(short)} and ${JSON.stringify(json)}`, () => {
      const fromShort = parse({ [field]: short }).filters[0] as { value: unknown }
      const fromJson = parse(filters({ name: field, op: 'eq', val: json })).filters[0] as { value: unknown }
      if (expected === undefined) {
        assert.equal(fromShort.value, short)
        assert.equal(fromJson.value, json)
      } else {
        assert.deepEqual(fromShort.value, expected)
        assert.deepEqual(fromJson.value, expected)
      }
    })
  }

  test('q accepts a string for a number, as the short form gives', () => {
    assert.deepEqual(parse(filters({ name: 'age', op: 'in', val: ['1', 2] })).filters, [
      value('age', 'in', [1, 2]),
    ])
  })
})

describe('parseListQuery: both forms mean the same', () => {
  const pairs: [string, unknown, RawQuery][] = [
    ['like', [{ name: 'email', op: 'like', val: '%@example.com' }], { 'email[like]': '%@example.com' }],
    ['gte', [{ name: 'age', op: '>=', val: 18 }], { 'age[gte]': '18' }],
    ['in', [{ name: 'id', op: 'in', val: [1, 2, 3] }], { 'id[in]': '1,2,3' }],
    ['is_null', [{ name: 'deleted_at', op: 'is_null' }], { 'deleted_at[is_null]': '' }],
    ['eq alone', [{ name: 'first_name', op: '==', val: 'Ada' }], { first_name: 'Ada' }],
    ['between', [{ name: 'age', op: 'between', val: [18, 30] }], { 'age[between]': '18,30' }],
    [
      'a date-time',
      [{ name: 'joined_at', op: '>', val: '2024-01-01T00:00:00Z' }],
      { 'joined_at[>]': '2024-01-01T00:00:00Z' },
    ],
    ['a boolean', [{ name: 'active', op: 'eq', val: true }], { active: 'true' }],
    ['a related field', [{ name: 'lists__name', op: 'eq', val: 'news' }], { 'lists.name[eq]': 'news' }],
    [
      'any with a filter',
      [{ name: 'lists', op: 'any', val: { name: 'name', op: 'eq', val: 'news' } }],
      { 'lists[any]': '{"name":"name","op":"eq","val":"news"}' },
    ],
    [
      'any, the same as a related field',
      [{ name: 'lists', op: 'any', val: { name: 'name', op: 'eq', val: 'news' } }],
      { 'lists.name': 'news' },
    ],
    ['has alone', [{ name: 'referrer', op: 'has' }], { 'referrer[has]': '' }],
    [
      'several, in order',
      [
        { name: 'email', op: 'like', val: '%@example.com' },
        { name: 'age', op: 'gte', val: 18 },
      ],
      { 'email[like]': '%@example.com', 'age[gte]': '18' },
    ],
  ]
  for (const [title, list, short] of pairs) {
    test(title, () => {
      assert.deepEqual(parse(short), parse(q({ filters: list })))
    })
  }

  test('sort: order_by and sort=-last_name,first_name', () => {
    const json = parse(q({ order_by: [{ field: 'last_name', direction: 'desc' }, { field: 'first_name' }] }))
    const short = parse({ sort: '-last_name,first_name' })
    assert.deepEqual(json, short)
    assert.deepEqual(short.sort, [
      { path: [], field: 'last_name', direction: 'desc' },
      { path: [], field: 'first_name', direction: 'asc' },
    ])
  })

  test('sort by a to-one relation: referrer__email and referrer.email', () => {
    const json = parse(q({ order_by: [{ field: 'referrer__email', direction: 'ASC' }] }))
    assert.deepEqual(json, parse({ sort: 'referrer.email' }))
    assert.deepEqual(json.sort, [{ path: ['referrer'], field: 'email', direction: 'asc' }])
  })

  test('q filters and short-form filters are ANDed, q first', () => {
    const parsed = parse(q({ filters: [{ name: 'age', op: 'gt', val: 1 }] }, { first_name: 'Ada' }))
    assert.deepEqual(parsed.filters, [value('age', 'gt', 1), value('first_name', 'eq', 'Ada')])
  })
})

describe('parseListQuery: paging, fields, include, cursor, count', () => {
  test('page and results_per_page', () => {
    assert.deepEqual(parse({ page: '2', results_per_page: '10' }), { ...EMPTY, page: 2, resultsPerPage: 10 })
  })

  test("q's limit and offset", () => {
    assert.deepEqual(parse(q({ limit: 10, offset: 0 })), { ...EMPTY, limit: 10, offset: 0 })
  })

  test('sort items are trimmed; a "+" (a space in a query string) is ascending', () => {
    assert.deepEqual(parse({ sort: ' last_name , +first_name,-id' }).sort, [
      { path: [], field: 'last_name', direction: 'asc' },
      { path: [], field: 'first_name', direction: 'asc' },
      { path: [], field: 'id', direction: 'desc' },
    ])
  })

  test('fields, deduplicated; repeated parameters are joined', () => {
    assert.deepEqual(parse({ fields: 'id,email,id' }).fields, ['id', 'email'])
    assert.deepEqual(parse({ fields: ['id', 'email'] }).fields, ['id', 'email'])
  })

  test('include and the fields of included relations', () => {
    const parsed = parse({
      include: 'lists,lists.owner,notes',
      'fields[lists]': 'name',
      'fields[lists.owner]': 'id,email',
    })
    assert.deepEqual(parsed.include, ['lists', 'lists.owner', 'notes'])
    assert.deepEqual(parsed.includeFields, { lists: ['name'], 'lists.owner': ['id', 'email'] })
    assert.deepEqual(parse({ include: 'lists.owner', 'fields[lists]': 'id' }).includeFields, {
      lists: ['id'],
    })
  })

  test('cursor and count', () => {
    assert.deepEqual(parse({ cursor: 'eyJpZCI6NX0', count: 'none' }), {
      ...EMPTY,
      cursor: 'eyJpZCI6NX0',
      count: 'none',
    })
  })
})

describe('parseListQuery: every problem is a 400 naming it', () => {
  const cases: [string, RawQuery, string, string][] = [
    // q itself
    ['undecodable q', { q: '{"filters":' }, '/q', 'q is not valid JSON'],
    ['q not an object', { q: '[1]' }, '/q', 'q must be a JSON object'],
    ['q twice', { q: ['{}', '{}'] }, '/q', 'q is given more than once'],
    [
      'an unknown member of q',
      q({ single: true }),
      '/q/single',
      'unknown member "single" of q; expected filters, order_by, limit, offset',
    ],
    ['filters not an array', q({ filters: {} }), '/q/filters', 'filters must be an array'],
    ['a filter not an object', filters(1), '/q/filters/0', 'a filter must be an object'],
    [
      'an unknown member of a filter',
      filters({ name: 'age', op: 'eq', vall: 1 }),
      '/q/filters/0/vall',
      'unknown member "vall"',
    ],
    ['no name', filters({ op: 'eq', val: 1 }), '/q/filters/0/name', 'name must be a string'],
    ['no op', filters({ name: 'age', val: 1 }), '/q/filters/0/op', 'op must be a string'],
    // fields
    [
      'an unknown field',
      filters({ name: 'nope', op: 'eq', val: 1 }),
      '/q/filters/0/name',
      'unknown field "nope"',
    ],
    [
      'a hidden column',
      filters({ name: 'password_hash', op: 'like', val: 'a%' }),
      '/q/filters/0/name',
      'unknown field "password_hash"',
    ],
    [
      'a hidden related column',
      { 'referrer.last_name': 'x' },
      '/referrer.last_name',
      'unknown field "referrer.last_name"',
    ],
    [
      'an unknown related field',
      filters({ name: 'notes__nope', op: 'eq', val: 1 }),
      '/q/filters/0/name',
      'unknown field "notes__nope"',
    ],
    ['an unknown relation', { 'nope.name': 'x' }, '/nope.name', 'unknown field "nope.name"'],
    ['an unknown short-form field', { nope: '1' }, '/nope', 'unknown field "nope"'],
    [
      'a relation compared',
      { 'lists[eq]': '1' },
      '/lists[eq]',
      '"lists" is a relation, not a field: filter its fields, or use has or any',
    ],
    [
      'a field with any',
      filters({ name: 'age', op: 'any' }),
      '/q/filters/0/name',
      '"age" is a field, not a relation',
    ],
    ['an unknown relation with has', { 'nope[has]': '' }, '/nope[has]', 'unknown relation "nope"'],
    // operators
    [
      'an unknown operator',
      filters({ name: 'age', op: 'bogus', val: 1 }),
      '/q/filters/0/op',
      'unknown operator "bogus"',
    ],
    ['an unknown short-form operator', { 'age[bogus]': '1' }, '/age[bogus]', 'unknown operator "bogus"'],
    ['an empty short-form operator', { 'id[]': '1' }, '/id[]', 'unknown operator ""'],
    [
      'an unreadable parameter',
      { 'a[b][c]': '1' },
      '/a[b][c]',
      'cannot read the parameter "a[b][c]": a filter is field=value or field[op]=value',
    ],
    [
      'has on a to-many relation',
      filters({ name: 'notes', op: 'has' }),
      '/q/filters/0/op',
      '"has" applies to a to-one relation; "notes" is to-many: use "any"',
    ],
    [
      'any on a to-one relation',
      { 'referrer[any]': '' },
      '/referrer[any]',
      '"any" applies to a to-many relation; "referrer" is to-one: use "has"',
    ],
    [
      'any with a field',
      filters({ name: 'notes', op: 'any', field: 'id' }),
      '/q/filters/0/field',
      '"any" takes a filter as val, not a field',
    ],
    [
      'like on an integer',
      { 'age[like]': '1%' },
      '/age[like]',
      '"like" applies to text fields; "age" is not one',
    ],
    [
      'ilike on a uuid',
      filters({ name: 'token', op: 'ilike', val: 'a%' }),
      '/q/filters/0/val',
      '"ilike" applies to text fields; "token" is not one',
    ],
    [
      'a pattern ending in the escape',
      { 'email[like]': 'a\\' },
      '/email[like]',
      'the pattern of "email" ends with an unescaped "\\"',
    ],
    [
      'gt on json',
      { 'meta[gt]': '1' },
      '/meta[gt]',
      '"meta" can only be filtered with is_null or is_not_null',
    ],
    [
      'gt with null',
      filters({ name: 'age', op: 'gt', val: null }),
      '/q/filters/0/val',
      '"gt" cannot compare with null',
    ],
    ['gt without a value', filters({ name: 'age', op: 'gt' }), '/q/filters/0/val', '"gt" needs a value'],
    [
      'is_null with a value',
      { 'deleted_at[is_null]': 'true' },
      '/deleted_at[is_null]',
      '"is_null" takes no value',
    ],
    [
      'is_not_null with a val',
      filters({ name: 'age', op: 'is_not_null', val: 1 }),
      '/q/filters/0/val',
      '"is_not_null" takes no value',
    ],
    [
      'in with a non-array',
      filters({ name: 'id', op: 'in', val: 1 }),
      '/q/filters/0/val',
      '"in" takes a list',
    ],
    [
      'not_in with a string',
      filters({ name: 'id', op: 'not_in', val: '1,2' }),
      '/q/filters/0/val',
      '"not_in" takes a list',
    ],
    [
      'between with one value',
      { 'age[between]': '18' },
      '/age[between]',
      '"between" takes exactly two values; got 1',
    ],
    [
      'between with three values',
      filters({ name: 'age', op: 'between', val: [1, 2, 3] }),
      '/q/filters/0/val',
      '"between" takes exactly two values; got 3',
    ],
    [
      'between with a non-array',
      filters({ name: 'age', op: 'between', val: 1 }),
      '/q/filters/0/val',
      '"between" takes two values',
    ],
    // values of the wrong type
    ['a string for an integer', { 'age[gte]': 'abc' }, '/age[gte]', '"age" expects an integer; got "abc"'],
    [
      'a fraction for an integer',
      filters({ name: 'age', op: 'eq', val: 1.5 }),
      '/q/filters/0/val',
      '"age" expects an integer; got 1.5',
    ],
    [
      'an in item of the wrong type',
      filters({ name: 'id', op: 'in', val: [1, 'x'] }),
      '/q/filters/0/val/1',
      '"id" expects an integer; got "x"',
    ],
    [
      'an in item of the wrong type, short',
      { 'id[in]': '1,x' },
      '/id[in]',
      '"id" expects an integer; got "x"',
    ],
    [
      'out of a smallint',
      { rank: '32768' },
      '/rank',
      '"rank" expects an integer from -32768 to 32767; got "32768"',
    ],
    [
      'out of an integer',
      { age: '2147483648' },
      '/age',
      '"age" expects an integer from -2147483648 to 2147483647; got "2147483648"',
    ],
    ['not a number', { score: '1,5' }, '/score', '"score" expects a number; got "1,5"'],
    ['not a decimal', { balance: '12.5.0' }, '/balance', '"balance" expects a decimal number; got "12.5.0"'],
    [
      'out of a bigint',
      { visits: '9223372036854775808' },
      '/visits',
      '"visits" expects a 64-bit integer; got "9223372036854775808"',
    ],
    ['not a boolean', { active: 'yes' }, '/active', '"active" expects true or false; got "yes"'],
    ['not in the enum', { mood: 'angry' }, '/mood', '"mood" expects one of "happy", "sad"; got "angry"'],
    ['not a uuid', { token: '42' }, '/token', '"token" expects a UUID; got "42"'],
    [
      'not a date',
      { birthday: '2023-02-29' },
      '/birthday',
      '"birthday" expects an ISO 8601 date (YYYY-MM-DD); got "2023-02-29"',
    ],
    [
      'not a date-time',
      { 'joined_at[gt]': 'yesterday' },
      '/joined_at[gt]',
      '"joined_at" expects an ISO 8601 date-time; got "yesterday"',
    ],
    [
      'a "+" zone sent unencoded',
      { 'joined_at[gt]': '2024-01-01T00:00:00 02:00' },
      '/joined_at[gt]',
      '"joined_at" expects an ISO 8601 date-time; got "2024-01-01T00:00:00 02:00"',
    ],
    [
      'not a time',
      { wake_at: '25:00' },
      '/wake_at',
      '"wake_at" expects a time (HH:MM or HH:MM:SS); got "25:00"',
    ],
    [
      'a number for a string',
      filters({ name: 'first_name', op: 'eq', val: 5 }),
      '/q/filters/0/val',
      '"first_name" expects a string; got 5',
    ],
    [
      'a NUL character',
      { first_name: 'a\u0000b' },
      '/first_name',
      '"first_name" expects a string without U+0000 characters; got "a\\u0000b"',
    ],
    [
      'a long value is cut',
      { age: 'x'.repeat(60) },
      '/age',
      `"age" expects an integer; got "${'x'.repeat(36)}...`,
    ],
    // comparing two fields
    [
      'field and val',
      filters({ name: 'logins', op: 'eq', field: 'quota', val: 1 }),
      '/q/filters/0',
      'give either val or field, not both',
    ],
    [
      'like between fields',
      filters({ name: 'first_name', op: 'like', field: 'last_name' }),
      '/q/filters/0/op',
      '"like" cannot compare two fields; use ==, !=, <, <=, > or >=',
    ],
    [
      'fields of different types',
      filters({ name: 'age', op: 'eq', field: 'first_name' }),
      '/q/filters/0/field',
      'cannot compare "age" (integer) with "first_name" (string)',
    ],
    [
      'fields of different tables',
      filters({ name: 'age', op: 'eq', field: 'notes__stars' }),
      '/q/filters/0/field',
      '"notes__stars" is not a field of the same table as "age"',
    ],
    [
      'an unknown other field',
      filters({ name: 'age', op: 'eq', field: 'nope' }),
      '/q/filters/0/field',
      'unknown field "nope"',
    ],
    // or / and / not
    ['or not an array', filters({ or: {} }), '/q/filters/0/or', '"or" takes an array of filters'],
    [
      'or with another member',
      filters({ or: [], name: 'age' }),
      '/q/filters/0',
      'a filter with "or", "and" or "not" has no other member',
    ],
    [
      'a bad filter deep inside',
      filters({ and: [{ or: [{ name: 'nope', op: 'eq', val: 1 }] }] }),
      '/q/filters/0/and/0/or/0/name',
      'unknown field "nope"',
    ],
    [
      'a bad filter inside any',
      filters({ name: 'notes', op: 'any', val: { name: 'stars', op: 'gt', val: 'x' } }),
      '/q/filters/0/val/val',
      '"stars" expects an integer; got "x"',
    ],
    [
      'a bad filter inside a short-form any',
      { 'notes[any]': '{"name":"nope","op":"eq","val":1}' },
      '/notes[any]/name',
      'unknown field "nope"',
    ],
    [
      'a short-form any with bad JSON',
      { 'notes[any]': '{' },
      '/notes[any]',
      'the value of notes[any] is not valid JSON',
    ],
    [
      'filters nested too deep',
      filters(JSON.parse(`${'{"not":'.repeat(40)}{"name":"age","op":"eq","val":1}${'}'.repeat(40)}`)),
      `/q/filters/0${'/not'.repeat(32)}`,
      'filters nest deeper than 32 levels',
    ],
    // sort
    ['an unknown sort field', { sort: 'nope' }, '/sort', 'unknown field "nope"'],
    ['a hidden sort field', { sort: '-password_hash' }, '/sort', 'unknown field "password_hash"'],
    ['an empty sort item', { sort: 'id,,email' }, '/sort', 'sort has an empty item'],
    [
      'sort by a to-many relation',
      { sort: 'notes.stars' },
      '/sort',
      'cannot sort by "notes.stars": "notes" is a to-many relation',
    ],
    ['sort by json', { sort: 'meta' }, '/sort', 'cannot sort by "meta"'],
    [
      'sort and order_by',
      q({ order_by: [{ field: 'id' }] }, { sort: 'id' }),
      '/sort',
      "sort and q's order_by cannot both be given",
    ],
    ['order_by not an array', q({ order_by: 'id' }), '/q/order_by', 'order_by must be an array'],
    [
      'an order_by entry not an object',
      q({ order_by: ['id'] }),
      '/q/order_by/0',
      'an order_by entry must be an object',
    ],
    [
      'an order_by without field',
      q({ order_by: [{ direction: 'asc' }] }),
      '/q/order_by/0/field',
      'field must be a string',
    ],
    [
      'a bad direction',
      q({ order_by: [{ field: 'id', direction: 'up' }] }),
      '/q/order_by/0/direction',
      'direction must be "asc" or "desc"',
    ],
    [
      'an unknown member of order_by',
      q({ order_by: [{ field: 'id', nulls: 'last' }] }),
      '/q/order_by/0/nulls',
      'unknown member "nulls"',
    ],
    [
      'an unknown order_by field',
      q({ order_by: [{ field: 'referrer__nope' }] }),
      '/q/order_by/0/field',
      'unknown field "referrer__nope"',
    ],
    // paging
    ['limit 0', q({ limit: 0 }), '/q/limit', 'limit must be an integer from 1 to 2147483647'],
    ['limit as a string', q({ limit: '10' }), '/q/limit', 'limit must be an integer from 1 to 2147483647'],
    ['a negative offset', q({ offset: -1 }), '/q/offset', 'offset must be an integer from 0 to 2147483647'],
    [
      'an offset too large',
      q({ offset: 2147483648 }),
      '/q/offset',
      'offset must be an integer from 0 to 2147483647',
    ],
    ['page 0', { page: '0' }, '/page', 'page must be an integer from 1 to 2147483647'],
    ['page not a number', { page: 'two' }, '/page', 'page must be an integer from 1 to 2147483647'],
    ['page too large', { page: '99999999999' }, '/page', 'page must be an integer from 1 to 2147483647'],
    ['page twice', { page: ['1', '2'] }, '/page', 'page is given more than once'],
    [
      'results_per_page negative',
      { results_per_page: '-5' },
      '/results_per_page',
      'results_per_page must be an integer from 1 to 2147483647',
    ],
    [
      'page with limit',
      q({ limit: 5 }, { page: '2' }),
      '/page',
      "page cannot be combined with q's limit and offset",
    ],
    [
      'results_per_page with offset',
      q({ offset: 5 }, { results_per_page: '2' }),
      '/results_per_page',
      "results_per_page cannot be combined with q's limit and offset",
    ],
    [
      'cursor with page',
      { cursor: 'abc', page: '2' },
      '/cursor',
      'cursor cannot be combined with page or offset',
    ],
    ['an empty cursor', { cursor: '' }, '/cursor', 'cursor is empty'],
    ['a bad count', { count: 'all' }, '/count', 'count must be exact, estimated or none'],
    // fields and include
    ['an unknown field in fields', { fields: 'id,nope' }, '/fields', 'unknown field "nope"'],
    ['a hidden field in fields', { fields: 'password_hash' }, '/fields', 'unknown field "password_hash"'],
    ['an empty fields', { fields: '' }, '/fields', 'fields has an empty item'],
    ['an unknown include', { include: 'lists,nope' }, '/include', 'unknown relation "nope"'],
    ['an unknown nested include', { include: 'lists.nope' }, '/include', 'unknown relation "lists.nope"'],
    [
      'fields of a relation not included',
      { 'fields[lists]': 'id' },
      '/fields[lists]',
      'fields[lists] needs include=lists',
    ],
    ['fields of an unknown relation', { 'fields[nope]': 'id' }, '/fields[nope]', 'unknown relation "nope"'],
    [
      'a hidden field of an included relation',
      { include: 'referrer', 'fields[referrer]': 'last_name' },
      '/fields[referrer]',
      'unknown field "last_name"',
    ],
    ['a JSON Pointer escapes ~ and /', { 'a/b~c': '1' }, '/a~1b~0c', 'unknown field "a/b~c"'],
  ]
  for (const [title, raw, path, message] of cases) {
    test(title, () => {
      assert.deepEqual(problemOf(raw), invalid(path, message))
    })
  }
})

describe('parseListQuery in a route', () => {
  test('reads ctx.query as the server parses it, and its 400 is a problem+json', async () => {
    const app = saker({ logger: false })
    app.get('/members', {}, (ctx) => parseListQuery(ctx.query as RawQuery, catalog))

    const ok = await inject(
      app,
      '/members?email[like]=%25%40example.com&deleted_at[is_null]&id[in]=1,2,3&id[in]=4&sort=-last_name,first_name&fields=id,email&page=2&results_per_page=10',
    )
    assert.equal(ok.statusCode, 200)
    assert.deepEqual(ok.json(), {
      filters: [
        { kind: 'value', field: 'email', op: 'like', value: '%@example.com' },
        { kind: 'value', field: 'deleted_at', op: 'is_null', value: null },
        { kind: 'value', field: 'id', op: 'in', value: [1, 2, 3, 4] },
      ],
      sort: [
        { path: [], field: 'last_name', direction: 'desc' },
        { path: [], field: 'first_name', direction: 'asc' },
      ],
      fields: ['id', 'email'],
      page: 2,
      resultsPerPage: 10,
    })

    const url = `/members?q=${encodeURIComponent('{"filters":[{"name":"nope","op":"eq","val":1}]}')}`
    const bad = await inject(app, url)
    assert.equal(bad.statusCode, 400)
    assert.equal(bad.headers['content-type'], 'application/problem+json')
    assert.deepEqual(bad.json(), {
      ...invalid('/q/filters/0/name', 'unknown field "nope"'),
      instance: url,
    })
  })
})
