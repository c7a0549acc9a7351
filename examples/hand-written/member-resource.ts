import { operation, ProblemSchema, t } from 'saker'
import { Member, MemberId, MemberInput, MemberPatch } from './schemas.ts'
import type { MemberStore } from './store.ts'

const tags = ['members']

/** One member, as a Falcon-style class resource: read, replace, update, remove. */
export class MemberResource {
  readonly #store: MemberStore

  constructor(store: MemberStore) {
    this.#store = store
  }

  onGet = operation(
    { summary: 'Get a member', tags, operationId: 'getMember', params: MemberId, response: { 200: Member } },
    (ctx) => this.#store.get(ctx.params.id),
  )

  onPut = operation(
    {
      summary: 'Replace a member',
      tags,
      operationId: 'replaceMember',
      params: MemberId,
      body: MemberInput,
      response: { 200: Member, 409: ProblemSchema },
    },
    (ctx) => this.#store.replace(ctx.params.id, ctx.body),
  )

  onPatch = operation(
    {
      summary: 'Update some fields of a member',
      tags,
      operationId: 'updateMember',
      params: MemberId,
      body: MemberPatch,
      response: { 200: Member, 409: ProblemSchema },
    },
    (ctx) => this.#store.update(ctx.params.id, ctx.body),
  )

  onDelete = operation(
    {
      summary: 'Remove a member',
      tags,
      operationId: 'removeMember',
      params: MemberId,
      response: { 204: t.Null({ description: 'The member was removed.' }) },
    },
    (ctx) => {
      this.#store.remove(ctx.params.id)
      return undefined
    },
  )
}
