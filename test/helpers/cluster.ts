/**
 * Runs test/fixtures/monitoring-cluster-app.ts (a primary and two workers on one port) for the
 * length of `work`, and plain HTTP requests that each open a connection of their own, so that
 * the primary hands them to the workers in turn.
 */
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { get, type IncomingHttpHeaders } from 'node:http'
import { createInterface } from 'node:readline'

/** Starts the cluster with `env`, runs `work` with its base URL, then stops it. */
export async function withCluster<T>(
  env: Record<string, string>,
  work: (url: string) => Promise<T>,
): Promise<T> {
  const primary = spawn(process.execPath, [...process.execArgv, 'test/fixtures/monitoring-cluster-app.ts'], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  const exited = once(primary, 'exit')
  try {
    const lines = createInterface({ input: primary.stdout })
    const [line] = (await Promise.race([once(lines, 'line'), exited.then(() => [null])])) as [string | null]
    if (line === null) throw new Error('the cluster fixture exited before listening')
    const { ports } = JSON.parse(line) as { ports: number[] }
    if (ports[0] !== ports[1]) throw new Error(`the workers listen on different ports: ${ports}`)
    return await work(`http://127.0.0.1:${ports[0]}`)
  } finally {
    primary.kill('SIGTERM')
    await exited
  }
}

export interface PlainResponse {
  status: number
  headers: IncomingHttpHeaders
  body: string
}

/** A GET on a connection of its own, closed after the reply. */
export function getOnce(url: string): Promise<PlainResponse> {
  return new Promise((resolve, reject) => {
    get(url, { agent: false }, (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => {
        body += chunk
      })
      res.on('end', () => resolve({ status: res.statusCode as number, headers: res.headers, body }))
      res.on('error', reject)
    }).on('error', reject)
  })
}
