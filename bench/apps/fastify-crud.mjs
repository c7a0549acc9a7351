// Fastify 5, hand-written against bench_members with the same driver as saker/crud (postgres.js,
// pool max 10): the members list page plus count(*), and the item read (lib/fastify-members.mjs).
import Fastify from 'fastify'
import { registerMembers } from './lib/fastify-members.mjs'
import * as db from './lib/techempower-db.mjs'

const app = Fastify({ logger: false })
registerMembers(app, db)

await app.listen({ port: Number(process.env.PORT ?? 8080), host: '127.0.0.1' })
