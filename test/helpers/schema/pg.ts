/** The newsletter tables for PostgreSQL and PGlite. */
import { integer, pgTable, serial, text, timestamp } from 'drizzle-orm/pg-core'

export const members = pgTable('members', {
  id: serial('id').primaryKey(),
  first_name: text('first_name').notNull(),
  last_name: text('last_name').notNull(),
  email: text('email').notNull().unique(),
})

export const lists = pgTable('lists', {
  id: serial('id').primaryKey(),
  name: text('name').notNull().unique(),
})

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

// What drizzle-kit generates for the tables above, constraint names included (the
// error tests read columns back from them).
export const ddl = [
  `CREATE TABLE "members" (
    "id" serial PRIMARY KEY NOT NULL,
    "first_name" text NOT NULL,
    "last_name" text NOT NULL,
    "email" text NOT NULL,
    CONSTRAINT "members_email_unique" UNIQUE("email")
  )`,
  `CREATE TABLE "lists" (
    "id" serial PRIMARY KEY NOT NULL,
    "name" text NOT NULL,
    CONSTRAINT "lists_name_unique" UNIQUE("name")
  )`,
  `CREATE TABLE "subscriptions" (
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
