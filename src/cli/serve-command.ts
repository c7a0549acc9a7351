/**
 * `saker serve app.ts` and `saker dev app.ts`: their options, read from the command line.
 */
import { existsSync, readFileSync } from 'node:fs'
import { dirname } from 'node:path'
import { parseArgs } from 'node:util'
import type { ServeOptions } from '../serve/options.ts'
import { serve } from '../serve/serve.ts'
import { watchAndRestart } from './dev.ts'
import { UsageError } from './usage-error.ts'

const SERVE_OPTIONS = {
  port: { type: 'string', short: 'p' },
  host: { type: 'string' },
  workers: { type: 'string', short: 'w' },
  'tls-cert': { type: 'string' },
  'tls-key': { type: 'string' },
  'auto-tls': { type: 'boolean', default: false },
  http2: { type: 'boolean', default: false },
  grace: { type: 'string', default: '10' },
} as const

/** `saker serve <app file> [options]`: serves until SIGTERM or SIGINT (0 once listening, 1 if it cannot start). */
export async function serveCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: SERVE_OPTIONS })
  await serve(appFile(positionals), serveOptions(values))
  return 0
}

/** `saker dev <app file> [serve options] [--watch <dir>]…`: serves, and restarts on a change. */
export async function devCommand(args: string[]): Promise<number> {
  const { values, positionals, tokens } = parseArgs({
    args,
    allowPositionals: true,
    tokens: true,
    options: { ...SERVE_OPTIONS, watch: { type: 'string', multiple: true, default: [] } },
  })
  const file = appFile(positionals)
  serveOptions(values)
  for (const dir of values.watch) {
    if (!existsSync(dir)) throw new UsageError(`--watch: "${dir}" does not exist`)
  }
  // `serve` gets the command line as written, less the `--watch` options (dev's own).
  const serveArgs = tokens.flatMap((token) => {
    if (token.kind !== 'option' || token.name === 'watch') return []
    return token.value === undefined ? [token.rawName] : [token.rawName, token.value]
  })
  return watchAndRestart(file, serveArgs, values.watch.length > 0 ? values.watch : [dirname(file)])
}

function appFile(positionals: string[]): string {
  if (positionals.length !== 1) throw new UsageError('serve and dev take one app file')
  const [file] = positionals as [string]
  if (!existsSync(file)) throw new UsageError(`no app file "${file}"`)
  return file
}

interface ServeValues {
  port?: string
  host?: string
  workers?: string
  'tls-cert'?: string
  'tls-key'?: string
  'auto-tls': boolean
  http2: boolean
  grace: string
}

function serveOptions(values: ServeValues): ServeOptions {
  const certFile = values['tls-cert']
  const keyFile = values['tls-key']
  if ((certFile === undefined) !== (keyFile === undefined)) {
    throw new UsageError('--tls-cert and --tls-key go together')
  }
  if (certFile !== undefined && values['auto-tls']) {
    throw new UsageError('--auto-tls makes its own certificate: leave out --tls-cert and --tls-key')
  }
  if (values.http2 && certFile === undefined && !values['auto-tls']) {
    throw new UsageError('--http2 needs TLS: --tls-cert and --tls-key, or --auto-tls')
  }
  return {
    port: whole('port', values.port ?? process.env.PORT ?? '8000', 0, 65535),
    host: values.host ?? process.env.HOST ?? '127.0.0.1',
    workers: values.workers === undefined ? undefined : workers(values.workers),
    tls: certFile === undefined ? undefined : { cert: read(certFile), key: read(keyFile as string) },
    autoTls: values['auto-tls'],
    http2: values.http2,
    grace: whole('grace', values.grace, 0, 3600) * 1000,
  }
}

function workers(text: string): number | 'auto' {
  if (text === 'auto') return 'auto'
  const n = Number(text)
  if (!Number.isInteger(n) || n < 1)
    throw new UsageError(`--workers must be auto or a whole number from 1 up, not "${text}"`)
  return n
}

function whole(name: string, text: string, min: number, max: number): number {
  const n = Number(text)
  if (text === '' || !Number.isInteger(n) || n < min || n > max) {
    throw new UsageError(`--${name} must be a whole number from ${min} to ${max}, not "${text}"`)
  }
  return n
}

function read(file: string): Buffer {
  if (!existsSync(file)) throw new UsageError(`no file "${file}"`)
  return readFileSync(file)
}
