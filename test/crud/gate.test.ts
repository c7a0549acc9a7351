import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { Gate, PoolTimeoutError } from '../../src/crud/dialects/gate.ts'

/** Takes a place for a query, as the dialects do. */
async function enter(gate: Gate): Promise<void> {
  await gate.enter()
}

/** Whether `promise` has settled after the pending turns ran. */
async function settled(promise: Promise<unknown>): Promise<boolean> {
  let done = false
  promise.then(
    () => {
      done = true
    },
    () => {
      done = true
    },
  )
  await sleep(5)
  return done
}

describe('the pool gate', () => {
  it('gives a free place at once, without a promise', () => {
    const gate = new Gate(2, 1000)
    assert.equal(gate.enter(), undefined)
    gate.leave()
  })

  it('without pipelining, the query past the pool size waits, then gets the place given back', async () => {
    const gate = new Gate(1, 1000)
    await enter(gate)
    const second = enter(gate)
    assert.equal(await settled(second), false)
    gate.leave()
    await second
    gate.leave()
  })

  it('a waiter gets PoolTimeoutError after the timeout, and the gate serves again', async () => {
    const gate = new Gate(1, 100)
    await enter(gate)
    const started = performance.now()
    await assert.rejects(enter(gate), PoolTimeoutError)
    const waited = performance.now() - started
    assert.ok(waited >= 95 && waited < 1000, `waited ${waited} ms`)
    gate.leave()
    await enter(gate)
    gate.leave()
  })

  it('pipelines up to `pipeline` queries per connection while the oldest is young', async () => {
    const gate = new Gate(2, 4000, 3)
    for (let i = 0; i < 6; i++) assert.equal(gate.enter(), undefined, `query ${i + 1} of 6 goes at once`)
    const seventh = enter(gate)
    assert.equal(await settled(seventh), false, 'the 7th waits: 2 connections × 3')
    gate.leave()
    await seventh
    for (let i = 0; i < 6; i++) gate.leave()
  })

  it('stops pipelining while no query completes, so a stuck database answers 503', async () => {
    // The stall limit is a quarter of the timeout (at most 250 ms): 50 ms here.
    const gate = new Gate(1, 200, 100)
    await enter(gate)
    assert.equal(gate.enter(), undefined, 'queries just sent: the next one pipelines')
    await sleep(80)
    await assert.rejects(enter(gate), PoolTimeoutError)
    gate.leave()
    assert.equal(gate.enter(), undefined, 'a query completed: the database keeps up again')
    gate.leave()
    gate.leave()
  })

  it('a transaction takes a connection of its own: no query pipelines onto it', async () => {
    const gate = new Gate(1, 150, 100)
    const release = await gate.acquire()
    await assert.rejects(enter(gate), PoolTimeoutError)
    release()
    release() // twice is harmless
    await enter(gate)
    gate.leave()
  })

  it('a waiting transaction is not overtaken by queries that could pipeline', async () => {
    const gate = new Gate(1, 2000, 100)
    await enter(gate)
    const transaction = gate.acquire()
    const later = enter(gate)
    assert.equal(await settled(later), false, 'the query queues behind the transaction')
    gate.leave()
    const release = await transaction
    assert.equal(await settled(later), false, 'and waits for the transaction to end')
    release()
    await later
    gate.leave()
  })
})
