/**
 * Messages between the workers of one `saker serve --workers N`, relayed by the primary over
 * node:cluster's IPC channels. A process that is not a cluster worker is a cluster of one: its
 * broadcasts reach its own listeners and a gather answers with its own value.
 *
 * - `broadcast(channel, data)` reaches the `onBroadcast(channel)` listeners of every worker,
 *   the sender included (pub/sub across workers).
 * - `gather(kind)` asks every worker's `answerGather(kind)` provider and resolves with all
 *   their answers (metrics aggregated across workers); a worker that does not answer within
 *   the timeout is left out, and with no relaying primary the answer is `[]` after twice it.
 */
import cluster, { type Worker } from 'node:cluster'

type Message =
  | { type: 'saker:broadcast'; channel: string; data: unknown }
  | { type: 'saker:gather'; id: number; kind: string; timeout: number }
  | { type: 'saker:collect'; id: number; kind: string }
  | { type: 'saker:answer'; id: number; value: unknown; answered: boolean }
  | { type: 'saker:gathered'; id: number; values: unknown[] }

type Listener = (data: unknown) => void
type Provider = () => unknown

const listeners = new Map<string, Set<Listener>>()
const providers = new Map<string, Provider>()
const pending = new Map<number, (values: unknown[]) => void>()
let nextId = 0
let listening = false

function isMessage(value: unknown): value is Message {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { type?: unknown }).type === 'string' &&
    (value as { type: string }).type.startsWith('saker:')
  )
}

function dispatch(channel: string, data: unknown): void {
  const set = listeners.get(channel)
  if (set === undefined) return
  for (const listener of set) listener(data)
}

async function answer(kind: string): Promise<{ value: unknown; answered: boolean }> {
  const provider = providers.get(kind)
  if (provider === undefined) return { value: undefined, answered: false }
  return { value: await provider(), answered: true }
}

/** In a worker, handles what the primary sends; installed on first use. */
function listenInWorker(): void {
  if (listening || !cluster.isWorker) return
  listening = true
  process.on('message', (message: unknown) => {
    if (!isMessage(message)) return
    if (message.type === 'saker:broadcast') dispatch(message.channel, message.data)
    else if (message.type === 'saker:collect') {
      void answer(message.kind).then(
        ({ value, answered }) => process.send?.({ type: 'saker:answer', id: message.id, value, answered }),
        () => process.send?.({ type: 'saker:answer', id: message.id, value: undefined, answered: false }),
      )
    } else if (message.type === 'saker:gathered') {
      pending.get(message.id)?.(message.values)
      pending.delete(message.id)
    }
  })
}

/** Sends `data` to the `channel` listeners of every worker (this one included). */
export function broadcast(channel: string, data: unknown): void {
  if (cluster.isWorker && process.send !== undefined) {
    listenInWorker()
    process.send({ type: 'saker:broadcast', channel, data } satisfies Message)
  } else {
    // Asynchronous, as it is across workers: a listener never runs inside the publisher's call.
    queueMicrotask(() => dispatch(channel, data))
  }
}

/** Calls `listener` with each broadcast on `channel`; returns the function that stops it. */
export function onBroadcast(channel: string, listener: (data: unknown) => void): () => void {
  listenInWorker()
  let set = listeners.get(channel)
  if (set === undefined) listeners.set(channel, (set = new Set()))
  set.add(listener)
  return () => {
    set.delete(listener)
    if (set.size === 0) listeners.delete(channel)
  }
}

/** Makes this worker answer `gather(kind)` with what `provider` returns (a value or a promise). */
export function answerGather(kind: string, provider: () => unknown): void {
  listenInWorker()
  providers.set(kind, provider)
}

/** Every worker's answer to `kind` (workers without a provider, or too slow, are left out). */
export async function gather(kind: string, timeout = 1000): Promise<unknown[]> {
  if (!cluster.isWorker || process.send === undefined) {
    const own = await answer(kind)
    return own.answered ? [own.value] : []
  }
  listenInWorker()
  const id = nextId++
  const values = new Promise<unknown[]>((resolve) => {
    // A primary that does not relay (not `saker serve`) never answers: give up, keep nothing.
    const timer = setTimeout(() => {
      pending.delete(id)
      resolve([])
    }, 2 * timeout)
    pending.set(id, (answers) => {
      clearTimeout(timer)
      resolve(answers)
    })
  })
  process.send({ type: 'saker:gather', id, kind, timeout } satisfies Message)
  return values
}

/**
 * Relays the workers' messages; `saker serve` calls it once in the primary. A gather asks
 * each live worker and answers the one that asked when all have answered or the timeout passed.
 */
export function relayInPrimary(): void {
  let nextCollect = 0
  const collecting = new Map<number, { answers: unknown[]; waiting: number; finish: () => void }>()
  cluster.on('message', (from: Worker, message: unknown) => {
    if (!isMessage(message)) return
    if (message.type === 'saker:broadcast') {
      for (const worker of Object.values(cluster.workers ?? {})) {
        if (worker?.isConnected()) worker.send(message)
      }
    } else if (message.type === 'saker:gather') {
      const workers = Object.values(cluster.workers ?? {}).filter(
        (w): w is Worker => w?.isConnected() === true,
      )
      const id = nextCollect++
      const answers: unknown[] = []
      let done = false
      const finish = () => {
        if (done) return
        done = true
        clearTimeout(timer)
        collecting.delete(id)
        if (from.isConnected()) from.send({ type: 'saker:gathered', id: message.id, values: answers })
      }
      const timer = setTimeout(finish, message.timeout)
      collecting.set(id, { answers, waiting: workers.length, finish })
      for (const worker of workers) worker.send({ type: 'saker:collect', id, kind: message.kind })
      if (workers.length === 0) finish()
    } else if (message.type === 'saker:answer') {
      const entry = collecting.get(message.id)
      if (entry === undefined) return
      if (message.answered) entry.answers.push(message.value)
      if (--entry.waiting === 0) entry.finish()
    }
  })
}
