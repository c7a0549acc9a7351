import { connect, type Socket } from 'node:net'

/**
 * A tiny HTTP/1.1 client over a raw socket, for what fetch cannot send or see: partial
 * requests, wrong or malformed framing, and whether the server closes the connection.
 */

export interface RawResponse {
  statusLine: string
  status: number
  headers: Record<string, string>
  body: string
}

/** The complete responses at the start of `data` (Content-Length framed). */
export function parseResponses(data: string): RawResponse[] {
  const responses: RawResponse[] = []
  let rest = data
  for (;;) {
    const headEnd = rest.indexOf('\r\n\r\n')
    if (headEnd === -1) break
    const [statusLine = '', ...lines] = rest.slice(0, headEnd).split('\r\n')
    const headers: Record<string, string> = {}
    for (const line of lines) {
      const colon = line.indexOf(':')
      headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim()
    }
    const length = Number(headers['content-length'] ?? 0)
    const bodyStart = headEnd + 4
    if (rest.length - bodyStart < length) break
    responses.push({
      statusLine,
      status: Number(statusLine.split(' ')[1]),
      headers,
      body: rest.slice(bodyStart, bodyStart + length),
    })
    rest = rest.slice(bodyStart + length)
  }
  return responses
}

export class RawClient {
  data = ''
  closed = false
  readonly socket: Socket
  #waiters = new Set<() => void>()

  private constructor(socket: Socket) {
    this.socket = socket
    socket.setEncoding('latin1')
    socket.on('data', (chunk: string) => {
      this.data += chunk
      this.#wake()
    })
    // The server may reset the connection after its reply; 'close' follows.
    socket.on('error', () => {})
    socket.on('close', () => {
      this.closed = true
      this.#wake()
    })
  }

  static open(port: number): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const socket = connect(port, '127.0.0.1')
      socket.once('error', reject)
      socket.once('connect', () => {
        socket.off('error', reject)
        resolve(new RawClient(socket))
      })
    })
  }

  get responses(): RawResponse[] {
    return parseResponses(this.data)
  }

  write(text: string | Buffer): void {
    if (!this.socket.destroyed) this.socket.write(text)
  }

  /** Resolves true once `condition` holds, false after `within` ms. */
  until(condition: () => boolean, within: number): Promise<boolean> {
    if (condition()) return Promise.resolve(true)
    return new Promise((resolve) => {
      const check = () => {
        if (!condition()) return
        done(true)
      }
      const timer = setTimeout(() => done(false), within)
      const done = (result: boolean) => {
        clearTimeout(timer)
        this.#waiters.delete(check)
        resolve(result)
      }
      this.#waiters.add(check)
    })
  }

  destroy(): void {
    this.socket.destroy()
  }

  #wake(): void {
    for (const waiter of [...this.#waiters]) waiter()
  }
}
