import { type IncomingHttpHeaders, request } from 'node:http'

/** A response as it came over the wire: not decompressed, the path not normalized. */
export interface WireResponse {
  status: number
  headers: IncomingHttpHeaders
  body: Buffer
}

/**
 * Sends one request with node:http, which (unlike fetch) sends the path exactly as given
 * (`..`, `%2e`, backslashes) and leaves `Content-Encoding` bodies as they are.
 *
 * @example
 * const res = await send(server.port, '/assets/%2e%2e/secret.txt')
 */
export function send(
  port: number,
  path: string,
  headers: Record<string, string> = {},
  method = 'GET',
  body?: string | Buffer,
): Promise<WireResponse> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method, headers, agent: false }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (chunk: Buffer) => chunks.push(chunk))
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
      )
      res.on('error', reject)
    })
    req.on('error', reject)
    req.end(body)
  })
}
