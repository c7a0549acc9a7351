// Benchmark harness: saker vs node:http, Fastify, Express and Hono, interleaved in rounds.
// Protocol (see bench/README.md): servers pinned to CPU 1, wrk pinned to CPU 0, 127.0.0.1 only,
// a fresh server process per (framework, round), 3 s warm-up per endpoint, medians across rounds.
// saker runs from its compiled build (`npm run build` into dist/, done at the start of every run).
// Usage: node bench/run.mjs [--quick] [--rounds N] [--duration S] [--only saker,node]
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { barChart } from './lib/chart.mjs'
import { checkFortunes, checkJson, checkWorld, checkWorlds, validate } from './lib/check.mjs'
import { MEMBER_ONE, MEMBERS_PAGE, setupMembersTable } from './lib/members.mjs'
import { pinPostgres } from './lib/postgres.mjs'
import { markdown, median, round, summarize } from './lib/report.mjs'
import {
  CLK_TCK,
  cpuTimes,
  freePort,
  killAll,
  memory,
  otherShare,
  procJiffies,
  startServer,
  stopServer,
  waitReady,
} from './lib/servers.mjs'
import { killWrk, wrk, wrkVersion } from './lib/wrk.mjs'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const READY_TIMEOUT_MS = 15_000 // Node peers listen well under 1 s; Django takes a few
const BUILD_TIMEOUT_MS = 180_000
const BUSY_PCT = 5 // other load on the server's core above this marks a measurement as disturbed

const PLAINTEXT = { path: '/plaintext', type: 'text/plain', body: 'Hello, World!' }
// JSON bodies are compared as values: Python's encoders put a space after the colon.
const JSON_EP = { path: '/json', type: 'application/json', check: checkJson({ message: 'Hello, World!' }) }
const MW = { path: '/mw?name=bench', type: 'application/json', body: '{"message":"Hello, bench!"}' }
// The /mw query must really be validated, or the /mw figure would flatter saker.
const MW_INVALID = { path: `/mw?name=${'x'.repeat(21)}`, rejects: true }
// TechEmpower's database tests, on the local PostgreSQL (`npm run techempower:setup` makes the tables).
const JSON_TYPE = 'application/json'
const DB = { path: '/db', type: JSON_TYPE, check: checkWorld, database: true }
const QUERIES = { path: '/queries?queries=20', type: JSON_TYPE, check: checkWorlds(20), database: true }
const FORTUNES = { path: '/fortunes', type: 'text/html', check: checkFortunes, database: true }
const UPDATES = { path: '/updates?queries=20', type: JSON_TYPE, check: checkWorlds(20), database: true }
const CACHED = { path: '/cached-queries?count=20', type: JSON_TYPE, check: checkWorlds(20), database: true }
const DATABASE_TESTS = [DB, QUERIES, FORTUNES, UPDATES, CACHED]
// The newsletter: saker/crud's list page (20 of 10,000 rows, with the count) and item read.
const MEMBERS = [MEMBERS_PAGE, MEMBER_ONE]

// Display order. `checks` run once per server start; `endpoints` are loaded with wrk.
const PEERS = [
  {
    id: 'node',
    label: 'node:http',
    args: ['bench/apps/raw-node.mjs'],
    endpoints: [PLAINTEXT, JSON_EP, ...DATABASE_TESTS],
  },
  {
    id: 'saker',
    label: 'saker',
    // examples/techempower compiled to bench/.build, importing 'saker', i.e. dist/ (see build())
    args: ['bench/apps/saker.mjs'],
    build: true,
    endpoints: [PLAINTEXT, JSON_EP, MW, ...DATABASE_TESTS, ...MEMBERS],
    checks: [MW_INVALID],
  },
  {
    id: 'fastify',
    label: 'fastify',
    args: ['bench/apps/fastify.mjs'],
    endpoints: [PLAINTEXT, JSON_EP, ...DATABASE_TESTS, ...MEMBERS],
  },
  {
    // The same app with node-postgres for the database endpoints (its /plaintext and /json are
    // the row above's).
    id: 'fastify-pg',
    label: 'fastify+pg',
    args: ['bench/apps/fastify.mjs', 'pg'],
    endpoints: [...DATABASE_TESTS, ...MEMBERS],
  },
  {
    id: 'express',
    label: 'express',
    args: ['bench/apps/express.mjs'],
    endpoints: [PLAINTEXT, JSON_EP, ...DATABASE_TESTS],
  },
  {
    id: 'hono',
    label: 'hono',
    args: ['bench/apps/hono.mjs'],
    endpoints: [PLAINTEXT, JSON_EP, ...DATABASE_TESTS],
  },
  {
    id: 'koa',
    label: 'koa',
    args: ['bench/apps/koa.mjs'],
    endpoints: [PLAINTEXT, JSON_EP, ...DATABASE_TESTS],
  },
  ...pythonPeers(),
].map((p) => ({ endpoints: [PLAINTEXT, JSON_EP], checks: [], ...p }))

/**
 * The seeds' Python frameworks, from Debian's packages, one process each: WSGI apps under
 * gunicorn with one sync worker, ASGI apps under uvicorn, Tornado on its own server. A peer
 * that is not installed is skipped with the command that installs it; one whose database driver
 * is missing runs /plaintext and /json only, saying which endpoints it skipped and the command.
 */
function pythonPeers() {
  const python = (modules) => () =>
    spawnSync('/usr/bin/python3', ['-c', `import ${modules}`], { stdio: 'ignore' }).status === 0
  const gunicorn = (dir, app) => (port) => [
    '/usr/bin/gunicorn',
    '--chdir',
    dir,
    '-w',
    '1',
    '-b',
    `127.0.0.1:${port}`,
    app,
  ]
  const uvicorn = (app) => (port) => [
    '/usr/bin/python3',
    '-m',
    'uvicorn',
    '--app-dir',
    'bench/apps/python',
    '--host',
    '127.0.0.1',
    '--port',
    String(port),
    '--log-level',
    'warning',
    '--no-access-log',
    app,
  ]
  const withGunicorn = (modules) => () => existsSync('/usr/bin/gunicorn') && python(modules)()
  // TechEmpower's database tests, when the peer's driver (and template and cache modules) is there.
  const database = (modules, packages) => ({
    available: python(modules),
    endpoints: DATABASE_TESTS,
    install: `apt-get install -y ${packages}`,
  })
  const asyncDatabase = database(
    'asyncpg, jinja2, cachetools',
    'python3-asyncpg python3-jinja2 python3-cachetools',
  )
  return [
    {
      id: 'starlette',
      label: 'starlette',
      command: uvicorn('starlette_app:app'),
      available: python('starlette, uvicorn'),
      install:
        'apt-get install -y python3-starlette uvicorn python3-uvloop python3-httptools python3-asyncpg python3-jinja2 python3-cachetools',
      optional: asyncDatabase, // an asyncpg pool, Jinja2, cachetools
    },
    {
      id: 'fastapi',
      label: 'fastapi',
      command: uvicorn('fastapi_app:app'),
      available: python('fastapi, uvicorn'),
      install:
        'apt-get install -y python3-fastapi uvicorn python3-uvloop python3-httptools python3-asyncpg python3-jinja2 python3-cachetools',
      optional: asyncDatabase, // an asyncpg pool, Jinja2, cachetools
    },
    {
      id: 'falcon',
      label: 'falcon',
      command: gunicorn('bench/apps/python', 'falcon_app:application'),
      available: withGunicorn('falcon'),
      install: 'apt-get install -y python3-falcon gunicorn python3-psycopg2',
      optional: database('psycopg2', 'python3-psycopg2'), // one connection, html.escape, lru_cache
    },
    {
      id: 'bottle',
      label: 'bottle',
      command: gunicorn('bench/apps/python', 'bottle_app:application'),
      available: withGunicorn('bottle'),
      install: 'apt-get install -y python3-bottle gunicorn python3-psycopg2',
      optional: database('psycopg2', 'python3-psycopg2'), // one connection, SimpleTemplate, lru_cache
    },
    {
      id: 'flask',
      label: 'flask',
      command: gunicorn('bench/apps/python', 'flask_app:application'),
      available: withGunicorn('flask'),
      install: 'apt-get install -y python3-flask gunicorn python3-flask-sqlalchemy python3-psycopg2',
      // Flask-SQLAlchemy (Jinja2 comes with Flask) for the database tests and the members endpoints.
      optional: {
        ...database('flask_sqlalchemy, psycopg2', 'python3-flask-sqlalchemy python3-psycopg2'),
        endpoints: [...DATABASE_TESTS, ...MEMBERS],
      },
    },
    {
      id: 'tornado',
      label: 'tornado',
      command: (port) => ['/usr/bin/python3', 'bench/apps/python/tornado_app.py', String(port)],
      available: python('tornado'),
      install: 'apt-get install -y python3-tornado python3-asyncpg python3-cachetools',
      optional: database('asyncpg, cachetools', 'python3-asyncpg python3-cachetools'), // Tornado templates
    },
    {
      id: 'drf',
      label: 'django+drf',
      command: gunicorn('bench/apps/drf', 'app:application'),
      available: withGunicorn('rest_framework'),
      install: 'apt-get install -y python3-djangorestframework gunicorn python3-psycopg2',
      // The ORM on psycopg2 for the database tests and the members endpoints.
      optional: {
        ...database('psycopg2', 'python3-psycopg2'),
        endpoints: [...DATABASE_TESTS, ...MEMBERS],
      },
    },
  ]
}

const log = (msg) => process.stderr.write(`${msg}\n`)
const ratio = (a, b) => (a == null || !b ? null : round(a / b, 3))

function options() {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      rounds: { type: 'string' },
      duration: { type: 'string' },
      only: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  })
  if (values.help) {
    log(
      `usage: node bench/run.mjs [--quick] [--rounds N] [--duration S] [--only ${PEERS.map((p) => p.id).join(',')}]`,
    )
    process.exit(0)
  }
  // --quick (a smoke run under 5 minutes with every peer): 1 round of 1 s after 1 s of warm-up.
  // The full run (5 rounds × 3 s after 1 s) loads 107 cells in each round and stays under 45 minutes.
  const rounds = Number(values.rounds ?? (values.quick ? 1 : 5))
  const duration = Number(values.duration ?? (values.quick ? 1 : 3))
  const warmup = 1
  if (!Number.isInteger(rounds) || rounds < 1) throw new Error(`--rounds must be a positive integer`)
  if (!Number.isInteger(duration) || duration < 1) throw new Error(`--duration must be a positive integer`)
  let peers = PEERS
  if (values.only) {
    const wanted = values.only.split(',').map((s) => s.trim().replace(/^node:http$|^raw-node$/, 'node'))
    const unknown = wanted.filter((w) => !PEERS.some((p) => p.id === w))
    if (unknown.length)
      throw new Error(`--only: unknown ${unknown.join(', ')} (known: ${PEERS.map((p) => p.id)})`)
    peers = PEERS.filter((p) => wanted.includes(p.id))
  }
  // A peer that cannot run here is skipped, saying how to install it; the others still run.
  const skipped = peers.filter((p) => p.available !== undefined && !p.available())
  for (const p of skipped) log(`${p.label}: skipped, not installed (${p.install})`)
  peers = peers.filter((p) => !skipped.includes(p))
  for (const p of peers.filter((p) => p.optional !== undefined)) {
    if (p.optional.available()) p.endpoints = [...p.endpoints, ...p.optional.endpoints]
    else
      log(`${p.label}: ${p.optional.endpoints.map((e) => e.path).join(', ')} skipped (${p.optional.install})`)
  }
  return { quick: values.quick, rounds, duration, warmup, peers, skipped }
}

function preflight() {
  for (const [cmd, args, hint] of [
    ['wrk', ['-v'], 'apt-get update && apt-get install -y wrk'],
    ['taskset', ['-V'], 'apt-get install -y util-linux'],
  ]) {
    if (spawnSync(cmd, args).error) throw new Error(`${cmd} not found (install: ${hint})`)
  }
  if (os.availableParallelism() < 2) throw new Error('needs 2 CPUs: servers run on CPU 1, wrk on CPU 0')
  const load = os.loadavg()[0]
  if (load > 0.5) log(`warning: 1-min load average is ${load.toFixed(2)}; figures may be noisy`)
}

function versions() {
  const pkg = (name) => {
    try {
      return JSON.parse(readFileSync(join(ROOT, 'node_modules', name, 'package.json'), 'utf8')).version
    } catch {
      return null
    }
  }
  const git = (...args) => {
    const r = spawnSync('git', args, { cwd: ROOT, encoding: 'utf8' })
    return r.status === 0 ? r.stdout.trim() : null
  }
  const dirty = git('status', '--porcelain', '--', 'src')
  return {
    saker: JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version,
    sakerCommit: git('rev-parse', '--short', 'HEAD'),
    sakerSrcDirty: dirty == null ? null : dirty !== '', // uncommitted changes in src/ went into dist/
    fastify: pkg('fastify'),
    express: pkg('express'),
    hono: pkg('hono'),
    '@hono/node-server': pkg('@hono/node-server'),
    koa: pkg('koa'),
    '@koa/router': pkg('@koa/router'),
  }
}

/**
 * Compile saker the way it ships (`npm run build`: tsc into dist/), so the bench measures the build
 * users run rather than a tsx transform. Returns null, or the error message and build output.
 */
function build() {
  log('building saker: npm run build, then examples/techempower into bench/.build')
  let r = spawnSync('npm', ['run', 'build'], { cwd: ROOT, encoding: 'utf8', timeout: BUILD_TIMEOUT_MS })
  if (r.status === 0) {
    const tsc = join(ROOT, 'node_modules', '.bin', 'tsc')
    r = spawnSync(tsc, ['-p', 'bench/tsconfig.techempower.json'], { cwd: ROOT, encoding: 'utf8' })
  }
  if (r.status === 0) return null
  const output = `${r.stdout ?? ''}${r.stderr ?? ''}`.trim().slice(-4000)
  log(output.replace(/^/gm, '  | '))
  const cause = r.error?.message ?? output.split('\n').find((l) => /error/i.test(l))
  const code = r.status ?? r.signal ?? r.error?.code
  return { error: `the build failed (exit ${code})${cause ? ` — ${cause.trim()}` : ''}`, output }
}

/**
 * One recorded wrk run, with the server's RSS after it, its CPU use and how much of the cores others
 * used. wrk on CPU 0 can saturate before the server on CPU 1 does, so req/s alone under-reports a
 * server's efficiency: requests per server CPU-second does not depend on how hard wrk could push.
 */
async function measure(server, url, seconds) {
  const pid = server.child.pid
  const [cpus0, srv0] = [cpuTimes(), procJiffies(pid)]
  const r = await wrk(url, seconds)
  const [cpus1, srv1] = [cpuTimes(), procJiffies(pid)]
  const mem = memory(pid) // VmRSS right after load
  const serverJiffies = srv0 == null || srv1 == null ? null : srv1 - srv0 // all threads, pinned to CPU 1
  const coreJiffies = cpus0[1] && cpus1[1] ? cpus1[1].total - cpus0[1].total : null // wall time on CPU 1
  // Both cores should be ours alone: anything else running (a build, tests) skews the figure.
  const others = [
    otherShare(cpus0[0], cpus1[0], r.cpuJiffies), // CPU 0 minus wrk
    otherShare(cpus0[1], cpus1[1], serverJiffies), // CPU 1 minus the server
  ]
  const cpu = {
    serverCpuS: serverJiffies == null ? null : serverJiffies / CLK_TCK,
    serverCpuPct:
      serverJiffies == null || !coreJiffies ? null : round((serverJiffies / coreJiffies) * 100, 1),
    reqPerCpuS: serverJiffies ? round(r.requests / (serverJiffies / CLK_TCK), 0) : null,
  }
  return { r, mem, cpu, otherCpuPct: round(Math.max(...others.map((x) => x ?? 0)) * 100, 1) }
}

/**
 * The project's throughput targets, judged on req/s (the headline) and, alongside, on req per server
 * CPU-second. `spreadPct` is the largest req/s spread of the cells compared: a margin smaller than
 * that is not a clear result either way.
 */
function targets(frameworks, mw) {
  const ok = (id) => (frameworks[id]?.status === 'ok' ? frameworks[id].endpoints : null)
  const [sk, node, fastify] = [ok('saker'), ok('node'), ok('fastify')]
  const list = []
  const vs = (target, a, b, goal) => {
    if (!a || !b) return
    const rps = ratio(a.medianRps, b.medianRps)
    const cpu = ratio(a.reqPerCpuS, b.reqPerCpuS)
    list.push({
      target,
      goal,
      rps,
      met: rps == null ? null : rps >= goal,
      reqPerCpuS: cpu,
      metByCpu: cpu == null ? null : cpu >= goal,
      spreadPct: round(Math.max(a.spread, b.spread) * 100, 1),
    })
  }
  vs('/json saker ≥ 1.00× node:http', sk?.['/json'], node?.['/json'], 1)
  vs('/json saker ≥ 1.05× fastify', sk?.['/json'], fastify?.['/json'], 1.05)
  vs('/plaintext saker ≥ 0.97× node:http', sk?.['/plaintext'], node?.['/plaintext'], 0.97)
  // The database tests' bars are judged by req/CPU-s: PostgreSQL shares the machine and caps req/s.
  // Against Fastify on each driver: postgres.js (as saker) and node-postgres.
  const fastifyPg = ok('fastify-pg')
  for (const ep of [DB, QUERIES, FORTUNES, UPDATES]) {
    vs(`${ep.path} saker ≥ 1.05× fastify (by req/CPU-s)`, sk?.[ep.path], fastify?.[ep.path], 1.05)
    vs(`${ep.path} saker ≥ 1.05× fastify+pg (by req/CPU-s)`, sk?.[ep.path], fastifyPg?.[ep.path], 1.05)
  }
  vs('/json saker ≥ 1.4× starlette', sk?.['/json'], ok('starlette')?.['/json'], 1.4)
  vs('/json saker ≥ 4× falcon', sk?.['/json'], ok('falcon')?.['/json'], 4)
  vs('/json saker ≥ 10× django+drf', sk?.['/json'], ok('drf')?.['/json'], 10)
  // The newsletter (issues 3 and 4), by req/CPU-s as the other database endpoints.
  const [page, one] = [MEMBERS_PAGE.path, MEMBER_ONE.path]
  vs('members page saker ≥ 10× django+drf (by req/CPU-s)', sk?.[page], ok('drf')?.[page], 10)
  vs('members page saker ≥ 1.0× fastify (by req/CPU-s)', sk?.[page], fastify?.[page], 1)
  vs('members page saker ≥ 1.0× fastify+pg (by req/CPU-s)', sk?.[page], fastifyPg?.[page], 1)
  vs('member item saker ≥ 1.0× fastify (by req/CPU-s)', sk?.[one], fastify?.[one], 1)
  vs('member item saker ≥ 1.0× fastify+pg (by req/CPU-s)', sk?.[one], fastifyPg?.[one], 1)
  if (sk && mw) {
    // Stated as a ratio /mw ÷ /json ≥ 1/1.1, i.e. a cost of at most 10%.
    list.push({
      target: '/mw saker ≤ 10% over /json',
      goal: round(1 / 1.1, 3),
      rps: mw.rps,
      met: mw.costPctRps == null ? null : mw.costPctRps <= 10,
      reqPerCpuS: mw.reqPerCpuS,
      metByCpu: mw.costPctCpu == null ? null : mw.costPctCpu <= 10,
      spreadPct: round(Math.max(sk['/json'].spread, sk[MW.path].spread) * 100, 1),
    })
  }
  return list
}

/** One (framework, round): fresh server, validate, then warm-up + measured wrk per endpoint. */
async function runPeer(peer, roundNo, position, opts, state) {
  const port = await freePort()
  const started = performance.now()
  const server = startServer({ args: peer.args, command: peer.command?.(port), cwd: ROOT, port })
  try {
    await waitReady(server, READY_TIMEOUT_MS)
    // From the spawn to the first answer (polled every 20 ms), and the RSS before any load.
    state.startupMs.push(Math.round(performance.now() - started))
    state.idleRssMb.push(round((memory(server.child.pid)?.rssKb ?? Number.NaN) / 1024, 1))
    for (const ep of [...peer.endpoints, ...peer.checks]) await validate(port, ep)
    for (const ep of peer.endpoints) {
      const url = `http://127.0.0.1:${port}${ep.path}`
      await wrk(url, opts.warmup) // not recorded: JIT, caches and connection setup
      const { r, mem, cpu, otherCpuPct } = await measure(server, url, opts.duration)
      state.rounds[ep.path].push({ round: roundNo, position, ...r, ...mem, ...cpu, otherCpuPct })
      const errs = r.non2xx + Object.values(r.socket_errors).reduce((a, b) => a + b, 0)
      log(
        `  ${peer.label.padEnd(9)} ${ep.path.padEnd(15)} ${Math.round(r.rps).toLocaleString('en-US').padStart(8)} req/s` +
          `  cpu ${String(cpu.serverCpuPct ?? '?').padStart(5)}%` +
          ` ${(cpu.reqPerCpuS ?? 0).toLocaleString('en-US').padStart(8)} req/CPU-s` +
          `  p99 ${(r.p99_us / 1000).toFixed(2)} ms  rss ${((mem?.rssKb ?? 0) / 1024).toFixed(0)} MB` +
          (otherCpuPct > BUSY_PCT && !ep.database
            ? `  ⚠ other processes used ${otherCpuPct}% of a core`
            : '') +
          (errs ? `  ⚠ ${r.non2xx} non-2xx, socket errors ${JSON.stringify(r.socket_errors)}` : ''),
      )
    }
  } catch (err) {
    // A broken peer is reported and dropped from later rounds; the others go on.
    const tail = server.output()
    const cause = tail.split('\n').find((l) => /error/i.test(l)) // e.g. the ERR_MODULE_NOT_FOUND line
    state.error = `round ${roundNo}: ${err.message}${cause ? ` — ${cause.trim()}` : ''}`
    state.output = tail
    log(`✗ ${peer.label} FAILED (round ${roundNo}): ${err.message}`)
    if (tail) log(tail.replace(/^/gm, '  | '))
  } finally {
    await stopServer(server)
  }
}

async function main() {
  const opts = options()
  preflight()
  const started = new Date()
  const { peers } = opts

  // Hard upper bound on the whole run, generous against the planned time.
  const perServer = (p) => 2 + p.endpoints.length * (opts.warmup + opts.duration + 0.5)
  const planned = opts.rounds * peers.reduce((s, p) => s + perServer(p), 0)
  setTimeout(
    () => {
      log(`watchdog: run exceeded ${2 * planned + 120} s, aborting`)
      process.exit(2)
    },
    (2 * planned + 120) * 1000,
  ).unref()
  log(
    `saker bench: ${peers.map((p) => p.label).join(', ')}; ${opts.rounds} rounds × ${opts.duration} s ` +
      `(+${opts.warmup} s warm-up) per endpoint, ~${Math.ceil(planned / 60)} min`,
  )

  const state = Object.fromEntries(
    peers.map((p) => [
      p.id,
      {
        error: null,
        output: null,
        startupMs: [],
        idleRssMb: [],
        rounds: Object.fromEntries(p.endpoints.map((e) => [e.path, []])),
      },
    ]),
  )
  // A failed build fails only the peers that need it; the others are still measured.
  if (peers.some((p) => p.build)) {
    const failed = build()
    for (const p of peers.filter((p) => p.build && failed)) {
      Object.assign(state[p.id], failed)
      log(`✗ ${p.label} FAILED: ${failed.error}`)
    }
  }
  if (peers.some((p) => p.endpoints.some((e) => e.database))) {
    log('TechEmpower tables: npm run techempower:setup')
    const setup = spawnSync(
      process.execPath,
      ['--import', 'tsx', '--conditions=saker-source', 'examples/techempower/setup.ts'],
      { cwd: ROOT, encoding: 'utf8' },
    )
    if (setup.status !== 0) throw new Error(`TechEmpower setup failed (is PostgreSQL up?):\n${setup.stderr}`)
    if (peers.some((p) => p.endpoints.some((e) => e.members))) setupMembersTable(log)
    const pinned = pinPostgres()
    log(pinned ? `PostgreSQL: ${pinned} processes pinned to CPU 0` : 'PostgreSQL: no local process to pin')
  }
  for (let r = 0; r < opts.rounds; r++) {
    const shift = r % peers.length // rotate who goes first, so no peer always runs on a cold/hot machine
    const order = [...peers.slice(shift), ...peers.slice(0, shift)]
    log(`round ${r + 1}/${opts.rounds}: ${order.map((p) => p.label).join(' → ')}`)
    for (const [i, peer] of order.entries()) {
      if (!state[peer.id].error) await runPeer(peer, r + 1, i, opts, state[peer.id])
    }
  }

  // Aggregate: medians across rounds, ratios against node:http's median on the same endpoint, both for
  // req/s and for requests per server CPU-second.
  const frameworks = {}
  for (const p of peers) {
    const s = state[p.id]
    const endpoints = {}
    if (!s.error) for (const [path, rounds] of Object.entries(s.rounds)) endpoints[path] = summarize(rounds)
    frameworks[p.id] = { label: p.label, status: s.error ? 'failed' : 'ok', error: s.error, endpoints }
    const rss = Object.values(endpoints).map((c) => c.peakRssMb)
    if (rss.length) frameworks[p.id].peakRssMb = Math.max(...rss) // VmRSS after load, max over rounds
    if (s.startupMs.length) frameworks[p.id].startupMs = median(s.startupMs)
    if (s.idleRssMb.length) frameworks[p.id].idleRssMb = round(median(s.idleRssMb), 1)
    if (s.output) frameworks[p.id].output = s.output // server's stdout/stderr tail, for diagnosis
  }
  const node = frameworks.node?.status === 'ok' ? frameworks.node.endpoints : null
  for (const fw of Object.values(frameworks)) {
    for (const [path, cell] of Object.entries(fw.endpoints)) {
      const base = node?.[path.startsWith('/mw') ? '/json' : path]
      cell.ratioToNode = base ? round(cell.medianRps / base.medianRps, 3) : null
      cell.reqPerCpuSRatioToNode = base ? ratio(cell.reqPerCpuS, base.reqPerCpuS) : null
    }
  }
  const sk = frameworks.saker?.status === 'ok' ? frameworks.saker.endpoints : null
  // /mw priced against /json both ways; cost = extra time (wall or CPU) per request, in %.
  const mwOverJson = sk && {
    rps: ratio(sk[MW.path].medianRps, sk['/json'].medianRps),
    reqPerCpuS: ratio(sk[MW.path].reqPerCpuS, sk['/json'].reqPerCpuS),
  }
  if (mwOverJson) {
    mwOverJson.costPctRps = mwOverJson.rps ? round((1 / mwOverJson.rps - 1) * 100, 1) : null
    mwOverJson.costPctCpu = mwOverJson.reqPerCpuS ? round((1 / mwOverJson.reqPerCpuS - 1) * 100, 1) : null
  }

  const results = {
    date: started.toISOString(),
    quick: opts.quick,
    protocol: {
      rounds: opts.rounds,
      durationS: opts.duration,
      warmupS: opts.warmup,
      wrk: '-t1 -c64 --timeout 5s --latency -s bench/report.lua',
      wrkCpu: 0,
      serverCpu: 1,
      host: '127.0.0.1',
      nodeEnv: 'production',
      saker: 'node bench/apps/saker.mjs, importing the dist/ build made by `npm run build` at the start',
      cpuSampling: `utime+stime from /proc/<pid>/stat around each measured run; CLK_TCK ${CLK_TCK}`,
    },
    env: {
      node: process.version,
      wrk: await wrkVersion(),
      os: `${os.type()} ${os.release()}`,
      cpu: os.cpus()[0]?.model ?? null,
      cpus: os.availableParallelism(),
      loadavgAtStart: os.loadavg(),
    },
    versions: versions(),
    skipped: opts.skipped.map((p) => ({ id: p.id, label: p.label, install: p.install })),
    frameworks,
    sakerMwOverJson: mwOverJson ?? null,
    targets: targets(frameworks, mwOverJson),
  }
  const dir = join(ROOT, 'bench', 'results')
  mkdirSync(dir, { recursive: true })
  const stamp = started.toISOString().slice(0, 19).replaceAll(':', '-') // no ':' in file names
  const file = join(dir, `${stamp}Z.json`)
  writeFileSync(`${file}.tmp`, `${JSON.stringify(results, null, 2)}\n`)
  renameSync(`${file}.tmp`, file) // never leave a half-written results file
  // The chart of this run, and bench/chart.svg (the one bench/README.md shows) unless --quick.
  const paths = [...new Set(peers.flatMap((p) => p.endpoints.map((e) => e.path)))]
  const chart = barChart(
    `saker bench ${results.date.slice(0, 10)}${opts.quick ? ' (quick)' : ''}: one process each, 2 cores`,
    paths.map((path) => ({
      endpoint: path,
      bars: Object.entries(frameworks)
        .filter(([, fw]) => fw.endpoints[path] !== undefined)
        .map(([id, fw]) => ({
          label: fw.label,
          value: fw.endpoints[path].medianRps,
          highlight: id === 'saker',
        })),
    })),
    'req/s',
  )
  writeFileSync(file.replace(/\.json$/, '.svg'), chart)
  if (!opts.quick) writeFileSync(join(ROOT, 'bench', 'chart.svg'), chart)

  const out = [
    '',
    `## saker bench — ${results.date}${opts.quick ? ' (quick)' : ''}`,
    '',
    `node ${process.version}, ${opts.rounds} rounds × ${opts.duration} s, wrk -t1 -c64, ` +
      'server on CPU 1, wrk on CPU 0, saker from its dist build. Cells are medians across rounds; ' +
      'spread = (max−min)/median across rounds. server CPU = share of CPU 1 the server used during the ' +
      'measured run; req/CPU-s = requests ÷ server CPU seconds.',
    '',
    markdown(
      frameworks,
      peers.map((p) => p.id),
    ),
    '',
  ]
  if (sk) out.push('saker /mw (vs node:http) is compared with node:http /json.')
  out.push(
    '',
    'Memory and startup (medians across rounds; RSS under load is the largest after any endpoint):',
    '',
    '| framework | RSS idle MB | RSS under load MB | start to first response ms |',
    '| --- | ---: | ---: | ---: |',
    ...Object.values(frameworks)
      .filter((fw) => fw.status === 'ok')
      .map(
        (fw) => `| ${fw.label} | ${fw.idleRssMb ?? '—'} | ${fw.peakRssMb ?? '—'} | ${fw.startupMs ?? '—'} |`,
      ),
  )
  const verdict = (met) => (met == null ? '?' : met ? 'met' : 'NOT met')
  if (results.targets.length) {
    out.push('', 'Targets (met by req/s; the req/CPU-s figure is given alongside):')
    for (const t of results.targets)
      out.push(
        `- ${t.target}: req/s ${t.rps ?? '—'}× → ${verdict(t.met)}` +
          `; req/CPU-s ${t.reqPerCpuS ?? '—'}× → ${verdict(t.metByCpu)}` +
          ` (largest req/s spread of the cells compared: ${t.spreadPct}%)`,
      )
  }
  if (mwOverJson) {
    const goal = (cost) => (cost == null ? '?' : cost <= 10 ? 'met' : 'NOT met')
    out.push(
      `saker /mw ÷ saker /json (3 middleware + query validation; goal: cost ≤ 10%): ` +
        `req/s ${mwOverJson.rps?.toFixed(3)} → cost ${mwOverJson.costPctRps}% (${goal(mwOverJson.costPctRps)}); ` +
        `req/CPU-s ${mwOverJson.reqPerCpuS?.toFixed(3)} → cost ${mwOverJson.costPctCpu}% (${goal(mwOverJson.costPctCpu)})`,
    )
  }
  for (const fw of Object.values(frameworks)) {
    for (const [path, c] of Object.entries(fw.endpoints)) {
      if (c.non2xx || c.socketErrors)
        out.push(
          `⚠ ${fw.label} ${path}: ${c.non2xx} non-2xx and ${c.socketErrors} socket errors over all rounds`,
        )
    }
    // PostgreSQL shares CPU 0 with wrk on the database tests: not a disturbance there.
    const busy = Object.entries(fw.endpoints).filter(
      ([path, c]) => c.maxOtherCpuPct > BUSY_PCT && !DATABASE_TESTS.some((ep) => ep.path === path),
    )
    if (busy.length)
      out.push(
        `⚠ ${fw.label}: other processes used up to ${Math.max(...busy.map(([, c]) => c.maxOtherCpuPct))}% of ` +
          `a core during ${busy.map(([p]) => p).join(', ')}: rerun on a quiet machine`,
      )
    if (fw.error) out.push(`FAILED ${fw.label}: ${fw.error}`)
  }
  for (const p of opts.skipped) out.push(`skipped ${p.label}: not installed (${p.install})`)
  out.push('', `results: ${join('bench', 'results', file.split('/').pop())}`)
  process.stdout.write(`${out.join('\n')}\n`)
  return Object.values(frameworks).some((f) => f.status === 'failed') ? 1 : 0
}

// Kill every server and wrk on any exit path, including Ctrl-C and crashes.
const cleanup = () => {
  killWrk()
  killAll()
}
process.on('exit', cleanup)
for (const [sig, code] of [
  ['SIGINT', 130],
  ['SIGTERM', 143],
  ['SIGHUP', 129],
]) {
  process.on(sig, () => {
    log(`\n${sig}: stopping servers`)
    process.exit(code)
  })
}

main().then(
  (code) => process.exit(code),
  (err) => {
    log(`bench: ${err.stack ?? err}`)
    process.exit(1)
  },
)
