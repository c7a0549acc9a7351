import { ProblemSchema, type Scope } from 'saker'
import { Member, MemberInput, MemberPage, PageQuery } from './schemas.ts'
import type { MemberStore } from './store.ts'

/** The collection, as function routes: list a page of members, add one. */
export function memberRoutes(api: Scope, store: MemberStore): void {
  api.get(
    '/members',
    {
      summary: 'List members',
      tags: ['members'],
      operationId: 'listMembers',
      query: PageQuery,
      response: { 200: MemberPage },
    },
    (ctx) => {
      const { page, results_per_page: perPage } = ctx.query
      const { total, members } = store.list((page - 1) * perPage, perPage)
      return { num_results: total, page, total_pages: Math.ceil(total / perPage), objects: members }
    },
  )

  api.post(
    '/members',
    {
      summary: 'Add a member',
      tags: ['members'],
      operationId: 'addMember',
      body: MemberInput,
      response: { 201: Member, 409: ProblemSchema },
    },
    (ctx) => {
      const member = store.add(ctx.body)
      ctx.header('location', `${ctx.path}/${member.id}`)
      return ctx.json(member, 201)
    },
  )
}
