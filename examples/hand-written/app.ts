import { type Saker, type SakerOptions, saker } from 'saker'
import { MemberResource } from './member-resource.ts'
import { memberRoutes } from './members-routes.ts'
import { MemberStore } from './store.ts'

/** The seeds' newsletter API: members added and listed by mobile clients, under `/api/v1`. */
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
