import { HttpError } from 'saker'
import type { Member, MemberInput, MemberPatch } from './schemas.ts'

/**
 * Members kept in memory, with the one rule the seeds' model has: email is unique.
 * `examples/newsletter` keeps the same contract on a database.
 */
export class MemberStore {
  #members = new Map<number, Member>()
  #byEmail = new Map<string, number>()
  #nextId = 1

  list(offset: number, limit: number): { total: number; members: Member[] } {
    const all = [...this.#members.values()]
    return { total: all.length, members: all.slice(offset, offset + limit) }
  }

  get(id: number): Member {
    const member = this.#members.get(id)
    if (member === undefined) throw new HttpError(404, `No member has id ${id}.`)
    return member
  }

  add(input: MemberInput): Member {
    this.#assertEmailFree(input.email)
    const member = { id: this.#nextId++, ...input }
    this.#save(member)
    return member
  }

  replace(id: number, input: MemberInput): Member {
    return this.update(id, input)
  }

  update(id: number, patch: MemberPatch): Member {
    const current = this.get(id)
    // A member may change the case of their own email: only another member's address collides.
    if (patch.email !== undefined && patch.email.toLowerCase() !== current.email.toLowerCase()) {
      this.#assertEmailFree(patch.email)
    }
    const member = { ...current, ...patch, id }
    this.#byEmail.delete(current.email.toLowerCase())
    this.#save(member)
    return member
  }

  remove(id: number): void {
    const member = this.get(id)
    this.#members.delete(id)
    this.#byEmail.delete(member.email.toLowerCase())
  }

  #save(member: Member): void {
    this.#members.set(member.id, member)
    this.#byEmail.set(member.email.toLowerCase(), member.id)
  }

  #assertEmailFree(email: string): void {
    if (this.#byEmail.has(email.toLowerCase())) {
      throw new HttpError(409, `A member with email ${email} already exists.`, {
        code: 'DUPLICATE_EMAIL',
        errors: [{ in: 'body', path: '/email', message: 'is already registered' }],
      })
    }
  }
}
