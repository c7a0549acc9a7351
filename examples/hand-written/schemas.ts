import { type Static, t } from 'saker'

/** A newsletter member, as the API returns it. */
export const Member = t.Object(
  {
    id: t.Integer({ minimum: 1 }),
    first_name: t.String({ minLength: 1, maxLength: 100 }),
    last_name: t.String({ minLength: 1, maxLength: 100 }),
    email: t.String({ format: 'email', maxLength: 254 }),
  },
  { $id: 'Member' },
)
export type Member = Static<typeof Member>

/** What a client sends to add a member or to replace one (PUT). */
export const MemberInput = t.Object(
  {
    first_name: t.String({ minLength: 1, maxLength: 100 }),
    last_name: t.String({ minLength: 1, maxLength: 100 }),
    email: t.String({ format: 'email', maxLength: 254 }),
  },
  { $id: 'MemberInput', additionalProperties: false },
)
export type MemberInput = Static<typeof MemberInput>

/** A partial update (PATCH): any of the input fields. */
export const MemberPatch = t.Partial(MemberInput, {
  $id: 'MemberPatch',
  additionalProperties: false,
  minProperties: 1,
})
export type MemberPatch = Static<typeof MemberPatch>

/** One page of members, in Flask-RESTless's envelope. */
export const MemberPage = t.Object(
  {
    num_results: t.Integer({ minimum: 0 }),
    page: t.Integer({ minimum: 1 }),
    total_pages: t.Integer({ minimum: 0 }),
    objects: t.Array(Member),
  },
  { $id: 'MemberPage' },
)

export const PageQuery = t.Object({
  page: t.Integer({ minimum: 1, default: 1 }),
  results_per_page: t.Integer({ minimum: 1, maximum: 100, default: 10 }),
})

export const MemberId = t.Object({ id: t.Integer({ minimum: 1 }) })
