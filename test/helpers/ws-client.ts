/**
 * A `ws` client for tests on the wire: messages are queued and awaited one at a time, the
 * close is a promise, and a refused upgrade resolves with its HTTP response.
 */
import type { IncomingMessage } from 'node:http'
import WebSocket, { type ClientOptions } from 'ws'

export interface Closed {
  code: number
  reason: string
}

export class TestSocket {
  readonly raw: WebSocket
  readonly closed: Promise<Closed>
  readonly #queue: Array<string | Buffer> = []
  readonly #waiting: Array<(message: string | Buffer) => void> = []

  private constructor(raw: WebSocket) {
    this.raw = raw
    raw.on('message', (data: Buffer, isBinary: boolean) => {
      const message = isBinary ? data : data.toString()
      const waiter = this.#waiting.shift()
      if (waiter === undefined) this.#queue.push(message)
      else waiter(message)
    })
    this.closed = new Promise((resolve) => {
      raw.once('close', (code, reason) => resolve({ code, reason: reason.toString() }))
    })
  }

  /** Connects to `url`; rejects when the upgrade is refused or fails. */
  static open(url: string, options?: ClientOptions): Promise<TestSocket> {
    const raw = new WebSocket(url, options)
    const socket = new TestSocket(raw)
    return new Promise((resolve, reject) => {
      raw.once('open', () => resolve(socket))
      raw.once('error', reject)
    })
  }

  /** The next message, text as a string. */
  next(): Promise<string | Buffer> {
    const queued = this.#queue.shift()
    if (queued !== undefined) return Promise.resolve(queued)
    return new Promise((resolve) => this.#waiting.push(resolve))
  }

  /** The next message, parsed as JSON. */
  async json(): Promise<any> {
    return JSON.parse(String(await this.next()))
  }

  send(data: string | Buffer): void {
    this.raw.send(data)
  }

  sendJson(value: unknown): void {
    this.raw.send(JSON.stringify(value))
  }

  close(): Promise<Closed> {
    this.raw.close()
    return this.closed
  }
}

export interface Refusal {
  status: number
  headers: IncomingMessage['headers']
  body: string
}

/** Tries to connect to `url`, expecting a refusal: resolves with the HTTP response the server sent instead. */
export function refusal(url: string, options?: ClientOptions): Promise<Refusal> {
  const raw = new WebSocket(url, options)
  return new Promise((resolve, reject) => {
    raw.once('open', () => {
      raw.terminate()
      reject(new Error('The upgrade was accepted'))
    })
    raw.on('error', reject)
    raw.once('unexpected-response', (_req, res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => {
        body += chunk
      })
      res.once('end', () => {
        resolve({ status: res.statusCode as number, headers: res.headers, body })
        raw.terminate()
      })
    })
  })
}
