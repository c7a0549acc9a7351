/** The newsletter tables for MySQL and MariaDB. */
import { int, mysqlTable, timestamp, varchar } from 'drizzle-orm/mysql-core'

export const members = mysqlTable('members', {
  id: int('id').autoincrement().primaryKey(),
  first_name: varchar('first_name', { length: 255 }).notNull(),
  last_name: varchar('last_name', { length: 255 }).notNull(),
  email: varchar('email', { length: 255 }).notNull().unique(),
})

export const lists = mysqlTable('lists', {
  id: int('id').autoincrement().primaryKey(),
  name: varchar('name', { length: 255 }).notNull().unique(),
})

export const subscriptions = mysqlTable('subscriptions', {
  id: int('id').autoincrement().primaryKey(),
  member_id: int('member_id')
    .notNull()
    .references(() => members.id, { onDelete: 'cascade' }),
  list_id: int('list_id')
    .notNull()
    .references(() => lists.id),
  created_at: timestamp('created_at').notNull().defaultNow(),
})

// What drizzle-kit generates for the tables above.
export const ddl = [
  `CREATE TABLE \`members\` (
    \`id\` int AUTO_INCREMENT NOT NULL,
    \`first_name\` varchar(255) NOT NULL,
    \`last_name\` varchar(255) NOT NULL,
    \`email\` varchar(255) NOT NULL,
    CONSTRAINT \`members_id\` PRIMARY KEY(\`id\`),
    CONSTRAINT \`members_email_unique\` UNIQUE(\`email\`)
  )`,
  `CREATE TABLE \`lists\` (
    \`id\` int AUTO_INCREMENT NOT NULL,
    \`name\` varchar(255) NOT NULL,
    CONSTRAINT \`lists_id\` PRIMARY KEY(\`id\`),
    CONSTRAINT \`lists_name_unique\` UNIQUE(\`name\`)
  )`,
  `CREATE TABLE \`subscriptions\` (
    \`id\` int AUTO_INCREMENT NOT NULL,
    \`member_id\` int NOT NULL,
    \`list_id\` int NOT NULL,
    \`created_at\` timestamp NOT NULL DEFAULT (now()),
    CONSTRAINT \`subscriptions_id\` PRIMARY KEY(\`id\`),
    CONSTRAINT \`subscriptions_member_id_members_id_fk\` FOREIGN KEY (\`member_id\`)
      REFERENCES \`members\`(\`id\`) ON DELETE cascade ON UPDATE no action,
    CONSTRAINT \`subscriptions_list_id_lists_id_fk\` FOREIGN KEY (\`list_id\`)
      REFERENCES \`lists\`(\`id\`) ON DELETE no action ON UPDATE no action
  )`,
]
