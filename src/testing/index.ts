/**
 * saker/testing: the helpers saker's own tests use.
 * `inject` runs a request through the whole pipeline without a socket;
 * `serve` starts the app on an ephemeral port for tests on the wire.
 */
import { type InjectOptions, inject as lightInject, type Response } from 'light-my-request'
import type { Saker } from '../app.ts'

export type { InjectOptions, Response } from 'light-my-request'

/**
 * Sends one request through the app, in process.
 *
 * @example
 * const res = await inject(app, { method: 'POST', url: '/members', payload: { email: 'a@b.c' } })
 * assert.equal(res.statusCode, 201)
 */
export async function inject(app: Saker, request: InjectOptions | string): Promise<Response> {
  app.ready()
  return lightInject(app.handle, request)
}

/** A running app and its base URL; `close()` stops it. */
export interface TestServer {
  url: string
  port: number
  close(): Promise<void>
}

/**
 * Starts the app on 127.0.0.1 with a free port.
 *
 * @example
 * const server = await serve(app)
 * const res = await fetch(`${server.url}/members`)
 * await server.close()
 */
export async function serve(app: Saker): Promise<TestServer> {
  const address = await app.listen({ port: 0, host: '127.0.0.1' })
  return { url: `http://127.0.0.1:${address.port}`, port: address.port, close: () => app.close() }
}
