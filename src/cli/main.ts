/**
 * The `saker` command line. `saker help` lists the commands; a usage error exits 2 with a
 * line that says what is wrong, a failed run exits 1.
 */
import { existsSync, readFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { type BenchOptions, bench, formatReport, isUrl } from './bench.ts'
import { devCommand, serveCommand } from './serve-command.ts'
import { UsageError } from './usage-error.ts'

const USAGE = `Usage: saker <command> [options]

Commands:
  serve <app file>                 Serve an app file (its default export a saker app) until SIGTERM
                                   or SIGINT; SIGHUP restarts the workers one by one.
  dev <app file>                   Serve it in development, restarting when a file changes.
  bench <target> [second target]   Load-test a URL or an app file (its default export a saker app),
                                   or two, with the second's ratios to the first.
  help                             This text.
  --version                        The version.

saker serve (and dev) options:
  -p, --port <n>          the port (default $PORT, else 8000; 0 for a free one)
      --host <address>    the address (default $HOST, else 127.0.0.1; 0.0.0.0 for every interface)
  -w, --workers <n|auto>  cluster workers, restarted when they die (auto: one per CPU); without
                          it the app is served by the one process
      --tls-cert <file>   serve HTTPS with this certificate (PEM) ...
      --tls-key <file>    ... and its key
      --auto-tls          serve HTTPS with a development certificate for localhost (~/.saker/tls)
      --http2             serve HTTP/2 (HTTP/1.1 clients too); needs TLS
      --grace <s>         how long a stop waits for in-flight requests (default 10)
      --watch <dir>       dev only: a folder to watch (repeatable; default the app file's)

saker bench options:
  -c, --connections <n>   concurrent connections (default 64)
  -d, --duration <s>      seconds measured per target (default 10)
  -w, --warmup <s>        seconds of load before measuring, not reported (default 3; 0 for none)
  -p, --pipelining <n>    requests in flight per connection (default 1)
  -r, --rate <n>          a fixed rate in requests/s (each second's requests sent at its start),
                          latencies corrected for coordinated omission, instead of as fast as
                          the server answers
      --path <path>       the path requested of an app file (default /)
  -m, --method <method>   the request method (default GET)
  -H, --header <k: v>     a request header (repeatable)
  -b, --body <text>       the request body
      --json              the report as JSON on stdout, no progress bar

Examples:
  saker serve app.ts --port 8000 --workers auto
  saker dev app.ts --auto-tls --http2
  saker bench http://127.0.0.1:8000/api/v1/members
  saker bench app.ts --path /json -d 5
  saker bench http://127.0.0.1:8080/json http://127.0.0.1:3000/json --rate 5000
`

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv
  try {
    switch (command) {
      case 'serve':
        return await serveCommand(rest)
      case 'dev':
        return await devCommand(rest)
      case 'bench':
        return await benchCommand(rest)
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        process.stdout.write(USAGE)
        return 0
      case '--version':
      case '-v':
        process.stdout.write(`${version()}\n`)
        return 0
      default:
        throw new UsageError(`unknown command "${command}"`)
    }
  } catch (error) {
    if (error instanceof UsageError || isParseArgsError(error)) {
      process.stderr.write(`saker: ${(error as Error).message}\nRun \`saker help\` for usage.\n`)
      return 2
    }
    process.stderr.write(`saker: ${error instanceof Error ? error.message : String(error)}\n`)
    return 1
  }
}

async function benchCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      connections: { type: 'string', short: 'c', default: '64' },
      duration: { type: 'string', short: 'd', default: '10' },
      warmup: { type: 'string', short: 'w', default: '3' },
      pipelining: { type: 'string', short: 'p', default: '1' },
      rate: { type: 'string', short: 'r' },
      path: { type: 'string', default: '/' },
      method: { type: 'string', short: 'm', default: 'GET' },
      header: { type: 'string', short: 'H', multiple: true, default: [] },
      body: { type: 'string', short: 'b' },
      json: { type: 'boolean', default: false },
    },
  })
  if (positionals.length === 0 || positionals.length > 2) {
    throw new UsageError('bench takes one target, or two to compare')
  }
  for (const target of positionals) {
    if (!isUrl(target) && !existsSync(target)) {
      throw new UsageError(`"${target}" is neither an http(s) URL nor an app file`)
    }
  }
  if (!values.path.startsWith('/')) throw new UsageError('--path must start with /')
  const options: BenchOptions = {
    targets: positionals,
    path: values.path,
    connections: count('connections', values.connections, 1),
    duration: count('duration', values.duration, 1),
    warmup: count('warmup', values.warmup, 0),
    pipelining: count('pipelining', values.pipelining, 1),
    rate: values.rate === undefined ? undefined : count('rate', values.rate, 1),
    method: values.method.toUpperCase(),
    headers: Object.fromEntries(values.header.map(header)),
    body: values.body,
    progress: !values.json,
  }
  const report = await bench(options)
  process.stdout.write(values.json ? `${JSON.stringify(report, null, 2)}\n` : formatReport(report))
  return 0
}

/** A whole number option, at least `min`. */
function count(name: string, text: string, min: number): number {
  const n = Number(text)
  if (!Number.isInteger(n) || n < min)
    throw new UsageError(`--${name} must be a whole number from ${min} up, not "${text}"`)
  return n
}

function header(text: string): [string, string] {
  const colon = text.indexOf(':')
  if (colon <= 0) throw new UsageError(`--header must be "name: value", not "${text}"`)
  return [text.slice(0, colon).trim().toLowerCase(), text.slice(colon + 1).trim()]
}

function isParseArgsError(error: unknown): boolean {
  const code = (error as { code?: unknown }).code
  return typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS_')
}

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    version: string
  }
  return pkg.version
}
