// `saker bench`, run as users run it: the CLI in its own process, loading real servers.
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { after, before, describe, it } from 'node:test'
import { saker, t } from 'saker'
import { serve, type TestServer } from 'saker/testing'
import { runSaker, usage } from '../helpers/cli.ts'

const VERSION = (JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version

describe('saker bench', () => {
  let server: TestServer
  let served = 0
  before(async () => {
    const app = saker({ logger: false, openapi: false })
    app.get('/json', { response: { 200: t.Object({ message: t.String() }) } }, () => {
      served++
      return { message: 'Hello, World!' }
    })
    server = await serve(app)
  })
  after(() => server?.close())

  it('loads a URL and reports what the server served, as JSON', async () => {
    const before = served
    const run = await runSaker(['bench', `${server.url}/json`, '-d', '1', '-w', '0', '-c', '4', '--json'])
    assert.equal(run.code, 0, run.stderr)
    const report = JSON.parse(run.stdout)
    assert.deepEqual(report.options, {
      targets: [`${server.url}/json`],
      path: '/',
      connections: 4,
      duration: 1,
      warmup: 0,
      pipelining: 1,
      method: 'GET',
      headers: {},
    })
    const [result] = report.results
    assert.equal(result.url, `${server.url}/json`)
    assert.ok(result.requests > 100, `${result.requests} requests`)
    // Every request counted was served (a few more may have been in flight at the end).
    assert.ok(served - before >= result.requests, `${served - before} served, ${result.requests} counted`)
    assert.ok(result.requestsPerSecond > 0)
    const { p50, p90, p99, max } = result.latencyMs
    assert.ok(p50 <= p90 && p90 <= p99 && p99 <= max, JSON.stringify(result.latencyMs))
    assert.equal(result.errors, 0)
    assert.equal(result.non2xx, 0)
    assert.equal(report.ratios, null)
  })

  it('compares two targets: the second over the first', async () => {
    const url = `${server.url}/json`
    const run = await runSaker(['bench', url, url, '-d', '1', '-w', '0', '-c', '2', '--json'])
    assert.equal(run.code, 0, run.stderr)
    const report = JSON.parse(run.stdout)
    assert.equal(report.results.length, 2)
    const [first, second] = report.results
    const expected = Math.round((second.requestsPerSecond / first.requestsPerSecond) * 1000) / 1000
    assert.equal(report.ratios.requestsPerSecond, expected)
  })

  it('holds a constant rate with --rate', async () => {
    const run = await runSaker([
      'bench',
      `${server.url}/json`,
      '-d',
      '2',
      '-w',
      '0',
      '-c',
      '4',
      '-r',
      '200',
      '--json',
    ])
    assert.equal(run.code, 0, run.stderr)
    const [result] = JSON.parse(run.stdout).results
    // autocannon sends each second's 200 at the start of the second (at 0, 1 and 2 s: 600 at most);
    // unpaced, this server answers thousands.
    assert.ok(
      result.requests >= 300 && result.requests <= 650,
      `${result.requests} requests at 200/s for 2 s`,
    )
  })

  it('prints a table, with the ratios line for two targets', async () => {
    const url = `${server.url}/json`
    const run = await runSaker(['bench', url, url, '-d', '1', '-w', '0', '-c', '2'])
    assert.equal(run.code, 0, run.stderr)
    const lines = run.stdout.split('\n')
    assert.equal(lines[0], '1 s per target after no warm-up, 2 connections, pipelining 1')
    assert.match(
      lines[2] as string,
      /^target +req\/s {2}p50 ms {2}p90 ms {2}p99 ms {2}max ms {2}errors {2}non-2xx$/,
    )
    assert.match(lines[3] as string, new RegExp(`^${url.replaceAll('.', '\\.')} +[\\d,]+ +[\\d.]+ `))
    assert.match(lines[6] as string, /^second ÷ first: req\/s [\d.]+×, p50 [\d.]+×, p99 [\d.]+×$/)
  })

  it('serves an app file (its default export) and requests --path of it', async () => {
    const ok = await runSaker([
      'bench',
      'test/fixtures/hello-app.ts',
      '--path',
      '/json',
      '-d',
      '1',
      '-w',
      '0',
      '--json',
    ])
    assert.equal(ok.code, 0, ok.stderr)
    const [result] = JSON.parse(ok.stdout).results
    assert.equal(result.target, 'test/fixtures/hello-app.ts')
    assert.match(result.url, /^http:\/\/127\.0\.0\.1:\d+\/json$/)
    assert.ok(result.requests > 100)
    assert.equal(result.non2xx, 0)
    const missing = await runSaker([
      'bench',
      'test/fixtures/hello-app.ts',
      '--path',
      '/missing',
      '-d',
      '1',
      '-w',
      '0',
      '--json',
    ])
    const [notFound] = JSON.parse(missing.stdout).results
    assert.ok(notFound.requests > 0)
    assert.equal(notFound.non2xx, notFound.requests)
  })

  it('fails with exit 1 and the reason: a file that is not an app, a URL that does not answer', async () => {
    const notApp = await runSaker(['bench', 'test/fixtures/not-an-app.ts', '-d', '1', '-w', '0'])
    assert.equal(notApp.code, 1)
    assert.match(notApp.stderr, /not-an-app\.ts must `export default` a saker app/)
    assert.match(
      notApp.stderr,
      /saker: test\/fixtures\/not-an-app\.ts exited \(code 1\) before it listened\n$/,
    )
    const closed = await runSaker(['bench', 'http://127.0.0.1:9/', '-d', '1', '-w', '0', '-c', '1'])
    assert.equal(closed.code, 1)
    assert.match(
      closed.stderr,
      /\nsaker: http:\/\/127\.0\.0\.1:9\/: no response \(\d+ connection errors\)\n$/,
    )
  })

  it('answers a usage error with exit 2 and what is wrong', async () => {
    for (const [args, message] of [
      [['bench'], 'bench takes one target, or two to compare'],
      [['bench', 'a', 'b', 'c'], 'bench takes one target, or two to compare'],
      [['bench', 'nowhere.ts'], '"nowhere.ts" is neither an http(s) URL nor an app file'],
      [
        ['bench', 'http://127.0.0.1:1/', '-c', '0'],
        '--connections must be a whole number from 1 up, not "0"',
      ],
      [
        ['bench', 'http://127.0.0.1:1/', '-d', '1.5'],
        '--duration must be a whole number from 1 up, not "1.5"',
      ],
      [['bench', 'http://127.0.0.1:1/', '-H', 'nocolon'], '--header must be "name: value", not "nocolon"'],
      [['bench', 'http://127.0.0.1:1/', '--path', 'json'], '--path must start with /'],
      [['nope'], 'unknown command "nope"'],
    ] as const) {
      const run = await runSaker([...args])
      assert.equal(run.code, 2, args.join(' '))
      assert.equal(run.stderr, usage(message))
      assert.equal(run.stdout, '')
    }
    const unknown = await runSaker(['bench', 'http://127.0.0.1:1/', '--nope'])
    assert.equal(unknown.code, 2)
    assert.match(unknown.stderr, /^saker: Unknown option '--nope'.*\nRun `saker help` for usage\.\n$/s)
  })

  it('prints its usage and version', async () => {
    const help = await runSaker(['help'])
    assert.equal(help.code, 0)
    assert.match(help.stdout, /^Usage: saker <command> \[options\]\n/)
    assert.match(help.stdout, /-r, --rate <n>/)
    const version = await runSaker(['--version'])
    assert.equal(version.stdout, `${VERSION}\n`)
  })
})
