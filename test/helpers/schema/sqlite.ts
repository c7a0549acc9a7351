/** The newsletter tables for SQLite. */
import { sql } from 'drizzle-orm'
import { integer, sqliteTable, text } from 'drizzle-orm/sqlite-core'

export const members = sqliteTable('members', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  first_name: text('first_name').notNull(),
  last_name: text('last_name').notNull(),
  email: text('email').notNull().unique(),
})

export const lists = sqliteTable('lists', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  name: text('name').notNull().unique(),
})

export const subscriptions = sqliteTable('subscriptions', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  member_id: integer('member_id')
    .notNull()
    .references(() => members.id, { onDelete: 'cascade' }),
  list_id: integer('list_id')
    .notNull()
    .references(() => lists.id),
  created_at: integer('created_at', { mode: 'timestamp' }).notNull().default(sql`(unixepoch())`),
})

// What drizzle-kit generates for the tables above.
export const ddl = [
  `CREATE TABLE \`members\` (
    \`id\` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
    \`first_name\` text NOT NULL,
    \`last_name\` text NOT NULL,
    \`email\` text NOT NULL
  )`,
  'CREATE UNIQUE INDEX `members_email_unique` ON `members` (`email`)',
  `CREATE TABLE \`lists\` (
    \`id\` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
    \`name\` text NOT NULL
  )`,
  'CREATE UNIQUE INDEX `lists_name_unique` ON `lists` (`name`)',
  `CREATE TABLE \`subscriptions\` (
    \`id\` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
    \`member_id\` integer NOT NULL,
    \`list_id\` integer NOT NULL,
    \`created_at\` integer DEFAULT (unixepoch()) NOT NULL,
    FOREIGN KEY (\`member_id\`) REFERENCES \`members\`(\`id\`) ON UPDATE no action ON DELETE cascade,
    FOREIGN KEY (\`list_id\`) REFERENCES \`lists\`(\`id\`) ON UPDATE no action ON DELETE no action
  )`,
]
