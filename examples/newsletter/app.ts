import { type Saker, type SakerOptions, saker, t } from 'saker'
import { type CrudOptions, crud, type Database } from 'saker/crud'
import { lists, members, subscriptions } from './schema.ts'

const name = t.String({ minLength: 1, maxLength: 100 })

/** A member's lists (through subscriptions) and subscriptions: for `include=` and `lists.name=`. */
const memberRelations: CrudOptions['relations'] = {
  lists: {
    table: lists,
    kind: 'many',
    localColumn: members.id,
    foreignColumn: lists.id,
    through: {
      table: subscriptions,
      localColumn: subscriptions.member_id,
      foreignColumn: subscriptions.list_id,
    },
  },
  subscriptions: {
    table: subscriptions,
    kind: 'many',
    localColumn: members.id,
    foreignColumn: subscriptions.member_id,
    relations: {
      list: { table: lists, kind: 'one', localColumn: subscriptions.list_id, foreignColumn: lists.id },
    },
  },
}

/**
 * The seeds' newsletter API on a database: `crud()` serves the `members`, `lists` and
 * `subscriptions` tables under `/api/v1`, with `/docs` and `/openapi.json`. The tables must
 * exist (`createTables(db)` from `./schema.ts`).
 */
export function newsletterApp(db: Database, options: SakerOptions = {}): Saker {
  const app = saker({
    ...options,
    openapi: {
      title: 'Newsletter API',
      version: '1.0.0',
      description: 'Members of the newsletter, its lists and their subscriptions.',
    },
  })
  app.mount(
    '/api/v1/members',
    crud(db, members, {
      name: 'Member',
      validate: { first_name: name, last_name: name, email: t.String({ format: 'email', maxLength: 254 }) },
      relations: memberRelations,
    }),
  )
  app.mount(
    '/api/v1/lists',
    crud(db, lists, {
      name: 'List',
      validate: { name },
      relations: {
        members: {
          table: members,
          kind: 'many',
          localColumn: lists.id,
          foreignColumn: members.id,
          through: {
            table: subscriptions,
            localColumn: subscriptions.list_id,
            foreignColumn: subscriptions.member_id,
          },
        },
      },
    }),
  )
  app.mount(
    '/api/v1/subscriptions',
    crud(db, subscriptions, {
      name: 'Subscription',
      readOnly: ['created_at'],
      relations: {
        member: {
          table: members,
          kind: 'one',
          localColumn: subscriptions.member_id,
          foreignColumn: members.id,
        },
        list: { table: lists, kind: 'one', localColumn: subscriptions.list_id, foreignColumn: lists.id },
      },
    }),
  )
  return app
}
