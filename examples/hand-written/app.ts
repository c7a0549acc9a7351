import { type Saker, type SakerOptions, saker } from 'saker'
import { MemberResource } from './member-resource.ts'
import { memberRoutes } from './members-routes.ts'
import { MemberStore } from './store.ts'

/**
 * The seeds' newsletter API written by hand, with one function-route file (the collection)
 * and one class resource (a member), over an in-memory store. `examples/newsletter` serves the
 * same contract from a database with `crud()`. Run it with
 * `npx tsx --conditions=saker-source examples/hand-written/server.ts`.
 */
export function newsletterApp(options: SakerOptions = {}, store = new MemberStore()): Saker {
  const app = saker({
    ...options,
    openapi: { title: 'Newsletter API', version: '1.0.0', description: 'Members of the newsletter.' },
  })
  app.group('/api/v1', (v1) => {
    memberRoutes(v1, store)
    v1.route('/members/:id', new MemberResource(store))
  })
  return app
}
