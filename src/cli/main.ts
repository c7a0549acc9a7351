/**
 * The `saker` command line. `saker help` lists the commands; a usage error exits 2 with a
 * line that says what is wrong, a failed run exits 1.
 */
import { existsSync, readFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { type BenchOptions, bench, formatReport, isUrl } from './bench.ts'

const USAGE = `Usage: saker <command> [options]

Commands:
  bench <target> [second target]   Load-test a URL or an app file (its default export a saker app),
                                   or two, with the second's ratios to the first.
  help                             This text.
  --version                        The version.

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
  saker bench http://127.0.0.1:8000/api/v1/members
  saker bench app.ts --path /json -d 5
  saker bench http://127.0.0.1:8080/json http://127.0.0.1:3000/json --rate 5000
`

/** A mistake in the command line: exit 2. */
class UsageError extends Error {}

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv
  try {
    switch (command) {
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
