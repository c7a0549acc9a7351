/**
 * The newsletter's tables, as Drizzle `pgTable`s: they run unchanged on the embedded PGlite
 * and on PostgreSQL. `createTables()` makes them on first start with the plain statements
 * below (what drizzle-kit would generate), so the example needs no migration tool.
 */
import { sql } from 'drizzle-orm'
import { integer, pgTable, serial, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core'
import type { Database } from 'saker/crud'

export const members = pgTable(
  'members',
  {
    id: serial('id').primaryKey(),
    first_name: text('first_name').notNull(),
    last_name: text('last_name').notNull(),
    email: text('email').notNull(),
  },
  // Unique whatever the case (ada@ and ADA@ are one address), while keeping the case given.
  // The `<table>_<column>_unique` name lets a duplicate be a 409 naming `/email`.
  (table) => [uniqueIndex('members_email_unique').on(sql`lower(${table.email})`)],
)

export const lists = pgTable('lists', {
  id: serial('id').primaryKey(),
  name: text('name').notNull().unique(),
})

/** Which member is subscribed to which list: the join table of members and lists. */
export const subscriptions = pgTable('subscriptions', {
  id: serial('id').primaryKey(),
  member_id: integer('member_id')
    .notNull()
    .references(() => members.id, { onDelete: 'cascade' }),
  list_id: integer('list_id')
    .notNull()
    .references(() => lists.id),
  created_at: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
})

/** The tables above, in SQL; each statement is a no-op when its table or index exists. */
export const ddl = [
  `CREATE TABLE IF NOT EXISTS "members" (
    "id" serial PRIMARY KEY NOT NULL,
    "first_name" text NOT NULL,
    "last_name" text NOT NULL,
    "email" text NOT NULL
  )`,
  `CREATE UNIQUE INDEX IF NOT EXISTS "members_email_unique" ON "members" (lower("email"))`,
  `CREATE TABLE IF NOT EXISTS "lists" (
    "id" serial PRIMARY KEY NOT NULL,
    "name" text NOT NULL,
    CONSTRAINT "lists_name_unique" UNIQUE("name")
  )`,
  `CREATE TABLE IF NOT EXISTS "subscriptions" (
    "id" serial PRIMARY KEY NOT NULL,
    "member_id" integer NOT NULL,
    "list_id" integer NOT NULL,
    "created_at" timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT "subscriptions_member_id_members_id_fk" FOREIGN KEY ("member_id")
      REFERENCES "members"("id") ON DELETE cascade ON UPDATE no action,
    CONSTRAINT "subscriptions_list_id_lists_id_fk" FOREIGN KEY ("list_id")
      REFERENCES "lists"("id") ON DELETE no action ON UPDATE no action
  )`,
]

/** Creates the tables that are missing (PGlite or PostgreSQL). */
export async function createTables(db: Database): Promise<void> {
  for (const statement of ddl) await db.drizzle.execute(sql.raw(statement))
}
