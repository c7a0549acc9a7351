// CRUD bench (issue 3): saker/crud vs hand-written Fastify on PostgreSQL, same driver (postgres.js,
// pool max 10), same table (bench_members, 10,000 rows). Same protocol as bench/run.mjs: server on
// CPU 1, wrk on CPU 0, fresh server per (peer, round), 3 s warm-up, medians across rounds.
// PostgreSQL is pinned to CPU 0 with the load generator for the run (and unpinned after), so the
// server has CPU 1 to itself; PostgreSQL's CPU time is not in the server's figure either way.
// Usage: node bench/crud.mjs [--quick] [--rounds N] [--duration S]
import { spawnSync } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { get } from './lib/check.mjs'
import { fixedRate } from './lib/fixed-rate.mjs'
import { setupMembersTable, shapeOf } from './lib/members.mjs'
import { pinPostgres } from './lib/postgres.mjs'
import { median, round, summarize } from './lib/report.mjs'
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
import { killWrk, wrk } from './lib/wrk.mjs'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const WARMUP_S = 3

const PAGE = '/api/v1/members?page=3&results_per_page=20'
const ONE = '/api/v1/members/42'
const FILTERED =
  '/api/v1/members?page=3&results_per_page=20&email[like]=%25@example.com&id[gte]=10&last_name[ne]=x&sort=-id'
// Three conditions and a sort that cost PostgreSQL about what the page costs (an id range and an
// inequality, no leading-wildcard LIKE), so the ratio to the page is saker's own filter work.
const INDEXED = '/api/v1/members?page=3&results_per_page=20&id[gte]=10&id[lte]=9000&last_name[ne]=x&sort=-id'

// The filter bar compares saker's page and filtered list at one offered load, below what
// PostgreSQL can serve of the filtered query (about 1,000 req/s here): under wrk's closed loop the
// slower query would also mean fewer requests per driver write, which is not the server's cost.
const FIXED_RATE = 300
// saker and Fastify are also compared at one offered load per endpoint: the page is capped by
// PostgreSQL (about 2,000 req/s here), so under wrk's closed loop a server's CPU per request
// depends on how many requests each wake-up batches, which follows the database, not the server.
const PAGE_RATE = 1200
const ONE_RATE = 6000
/** A fixed-rate measurement's key: the endpoint's label and the rate. */
const at = (path, rate) => `${label(path)} @ ${rate}`

const DRF_PACKAGES = 'gunicorn python3-djangorestframework python3-psycopg2'

const ALL_PEERS = [
  {
    id: 'saker',
    label: 'saker',
    args: ['bench/apps/saker-crud.mjs'],
    endpoints: [PAGE, ONE, FILTERED, INDEXED],
    fixed: [
      [PAGE, FIXED_RATE],
      [FILTERED, FIXED_RATE],
      [PAGE, PAGE_RATE],
      [ONE, ONE_RATE],
    ],
  },
  {
    id: 'fastify',
    label: 'Fastify',
    args: ['bench/apps/fastify-crud.mjs'],
    endpoints: [PAGE, ONE],
    fixed: [
      [PAGE, PAGE_RATE],
      [ONE, ONE_RATE],
    ],
  },
  {
    id: 'drf',
    label: 'DRF',
    // Debian's gunicorn runs Debian's python3, where Debian's Django and DRF are.
    command: (port) => [
      '/usr/bin/gunicorn',
      '--chdir',
      'bench/apps/drf',
      '-w',
      '1',
      '-b',
      `127.0.0.1:${port}`,
      'app:application',
    ],
    available: () =>
      spawnSync('/usr/bin/python3', ['-c', 'import rest_framework, psycopg2'], { stdio: 'ignore' }).status ===
        0 && spawnSync('/usr/bin/gunicorn', ['--version'], { stdio: 'ignore' }).status === 0,
    endpoints: [PAGE, ONE],
  },
]

/** The peers that can run here; one that cannot is skipped with the command that installs it. */
function availablePeers() {
  return ALL_PEERS.filter((peer) => {
    if (peer.available === undefined || peer.available()) return true
    log(`${peer.label}: skipped, not installed (apt-get install -y ${DRF_PACKAGES})`)
    return false
  })
}

let PEERS = ALL_PEERS

const log = (m) => process.stderr.write(`${m}\n`)

function options() {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      rounds: { type: 'string' },
      duration: { type: 'string' },
    },
  })
  return {
    quick: values.quick,
    rounds: Number(values.rounds ?? (values.quick ? 3 : 5)),
    duration: Number(values.duration ?? (values.quick ? 5 : 10)),
  }
}

const MEMBER_KEYS = 'email,first_name,id,last_name'

/** 200, JSON, and the expected shape: a 20-row page envelope or member 42. Returns the parsed body. */
async function validate(port, path) {
  const res = await get(port, path)
  const problems = []
  if (res.status !== 200) problems.push(`status ${res.status}`)
  if (!(res.headers['content-type'] ?? '').startsWith('application/json')) problems.push('not JSON')
  let body
  try {
    body = JSON.parse(res.body.toString('utf8'))
  } catch {
    problems.push(`body ${res.body.toString('utf8').slice(0, 120)}`)
  }
  if (body && path === ONE) {
    if (body.id !== 42 || shapeOf(body) !== MEMBER_KEYS) problems.push(`member ${JSON.stringify(body)}`)
  } else if (body) {
    if (shapeOf(body) !== 'num_results,objects,page,total_pages')
      problems.push(`envelope keys ${shapeOf(body)}`)
    if (body.page !== 3 || body.objects?.length !== 20)
      problems.push(`page ${body.page}, ${body.objects?.length} objects`)
    if (body.objects?.some((o) => shapeOf(o) !== MEMBER_KEYS)) problems.push('member keys')
    if (
      path === PAGE &&
      (body.num_results !== 10_000 || body.total_pages !== 500 || body.objects[0].id !== 41)
    )
      problems.push(`plain page: ${body.num_results} results, first id ${body.objects?.[0]?.id}`)
    if (path === INDEXED && !(body.objects[0].id === 8_960 && body.num_results === 8_991))
      problems.push(`indexed filter: ${body.num_results} results, first id ${body.objects[0].id}`)
    if (path === FILTERED && !(body.objects[0].id > body.objects[1].id && body.num_results === 9_991))
      problems.push(
        `filtered page: ${body.num_results} results, ids ${body.objects[0].id},${body.objects[1].id}`,
      )
  }
  if (problems.length) throw new Error(`${path}: ${problems.join('; ')}`)
  return body
}

async function measure(server, url, seconds) {
  const pid = server.child.pid
  const [cpus0, srv0] = [cpuTimes(), procJiffies(pid)]
  const r = await wrk(url, seconds)
  const [cpus1, srv1] = [cpuTimes(), procJiffies(pid)]
  const mem = memory(pid)
  const jiffies = srv0 == null || srv1 == null ? null : srv1 - srv0
  const core = cpus1[1].total - cpus0[1].total
  const others = [otherShare(cpus0[0], cpus1[0], r.cpuJiffies), otherShare(cpus0[1], cpus1[1], jiffies)]
  return {
    ...r,
    ...mem,
    serverCpuPct: jiffies == null || !core ? null : round((jiffies / core) * 100, 1),
    reqPerCpuS: jiffies ? round(r.requests / (jiffies / CLK_TCK), 0) : null,
    otherCpuPct: round(Math.max(...others.map((x) => x ?? 0)) * 100, 1), // includes PostgreSQL
  }
}

/** Server CPU per request at `rate` req/s (autocannon, constant rate). */
async function measureFixed(server, url, rate, seconds) {
  const pid = server.child.pid
  const srv0 = procJiffies(pid)
  const r = await fixedRate(url, rate, seconds)
  const jiffies = procJiffies(pid) - srv0
  return { ...r, reqPerCpuS: jiffies > 0 ? round(r.requests / (jiffies / CLK_TCK), 0) : null }
}

async function runPeer(peer, roundNo, opts, rounds, fixed) {
  const port = await freePort()
  const server = startServer({ args: peer.args, command: peer.command?.(port), cwd: ROOT, port })
  try {
    await waitReady(server, 10_000)
    for (const path of peer.endpoints) await validate(port, path)
    for (const path of peer.endpoints) {
      const url = `http://127.0.0.1:${port}${path}`
      await wrk(url, WARMUP_S)
      const m = await measure(server, url, opts.duration)
      rounds[path].push({ round: roundNo, ...m })
      const bad = m.non2xx + Object.values(m.socket_errors).reduce((a, b) => a + b, 0)
      log(
        `  ${peer.label.padEnd(8)} ${label(path).padEnd(9)} ${Math.round(m.rps).toLocaleString('en-US').padStart(7)} req/s` +
          `  cpu ${m.serverCpuPct}%  ${m.reqPerCpuS?.toLocaleString('en-US')} req/CPU-s  p99 ${(m.p99_us / 1000).toFixed(2)} ms` +
          `  other ${m.otherCpuPct}%${bad ? `  ⚠ ${bad} errors` : ''}`,
      )
    }
    for (const [path, rate] of peer.fixed ?? []) {
      const m = await measureFixed(server, `http://127.0.0.1:${port}${path}`, rate, opts.duration)
      ;(fixed[peer.id][at(path, rate)] ??= []).push(m)
      log(
        `  ${peer.label.padEnd(8)} ${label(path).padEnd(9)} at ${rate} req/s: ${m.requests} requests, ` +
          `${m.reqPerCpuS?.toLocaleString('en-US')} req/CPU-s  p99 ${m.p99Ms} ms${m.non2xx + m.errors ? `  ⚠ ${m.non2xx + m.errors} errors` : ''}`,
      )
    }
  } catch (err) {
    log(`✗ ${peer.label} round ${roundNo}: ${err.message}\n${server.output()}`)
    throw err
  } finally {
    await stopServer(server)
  }
}

const fixedMedian = (runs) => median(runs.map((r) => r.reqPerCpuS).filter((v) => v != null))
const fixedSpread = (runs) => {
  const values = runs.map((r) => r.reqPerCpuS).filter((v) => v != null)
  return values.length < 2 ? 0 : (Math.max(...values) - Math.min(...values)) / median(values)
}
const pct = (r) => `${(r * 100).toFixed(1)}%`

const label = (path) =>
  path === ONE ? '/:id' : path === FILTERED ? 'filtered' : path === INDEXED ? 'filtered (indexed)' : 'page'

async function main() {
  const opts = options()
  if (os.availableParallelism() < 2) throw new Error('needs 2 CPUs')
  setupMembersTable(log)
  PEERS = availablePeers()
  const pinned = pinPostgres()
  log(pinned ? `PostgreSQL: ${pinned} processes pinned to CPU 0` : 'PostgreSQL: no local process to pin')
  log('building saker: npm run build')
  const b = spawnSync('npm', ['run', 'build'], { cwd: ROOT, encoding: 'utf8' })
  if (b.status !== 0) throw new Error(`npm run build failed:\n${b.stdout}${b.stderr}`)
  log(`crud bench: ${opts.rounds} rounds × ${opts.duration} s (+${WARMUP_S} s warm-up) per endpoint`)

  const state = Object.fromEntries(
    PEERS.map((p) => [p.id, Object.fromEntries(p.endpoints.map((e) => [e, []]))]),
  )
  const fixed = Object.fromEntries(PEERS.map((p) => [p.id, {}]))
  for (let r = 0; r < opts.rounds; r++) {
    const order = r % 2 ? [...PEERS].reverse() : PEERS
    log(`round ${r + 1}/${opts.rounds}: ${order.map((p) => p.label).join(' → ')}`)
    for (const peer of order) await runPeer(peer, r + 1, opts, state[peer.id], fixed)
  }

  const cells = {}
  for (const p of PEERS)
    cells[p.id] = Object.fromEntries(Object.entries(state[p.id]).map(([path, rs]) => [path, summarize(rs)]))
  const ratio = (a, b) => (a && b ? round(a / b, 3) : null)
  const ratios = {
    sakerOverFastify: Object.fromEntries(
      [PAGE, ONE].map((p) => [
        label(p),
        {
          rps: ratio(cells.saker[p].medianRps, cells.fastify[p].medianRps),
          reqPerCpuS: ratio(cells.saker[p].reqPerCpuS, cells.fastify[p].reqPerCpuS),
        },
      ]),
    ),
    sakerOverDrf:
      cells.drf === undefined
        ? null
        : Object.fromEntries(
            [PAGE, ONE].map((p) => [
              label(p),
              {
                rps: ratio(cells.saker[p].medianRps, cells.drf[p].medianRps),
                reqPerCpuS: ratio(cells.saker[p].reqPerCpuS, cells.drf[p].reqPerCpuS),
              },
            ]),
          ),
    sakerFilteredOverPlain: {
      rps: ratio(cells.saker[FILTERED].medianRps, cells.saker[PAGE].medianRps),
      reqPerCpuS: ratio(cells.saker[FILTERED].reqPerCpuS, cells.saker[PAGE].reqPerCpuS),
      atFixedRate: ratio(
        fixedMedian(fixed.saker[at(FILTERED, FIXED_RATE)]),
        fixedMedian(fixed.saker[at(PAGE, FIXED_RATE)]),
      ),
    },
    // The well-posed comparison: the same offered load to both, server CPU per request.
    sakerOverFastifyAtFixedRate: Object.fromEntries(
      [
        [PAGE, PAGE_RATE],
        [ONE, ONE_RATE],
      ].map(([path, rate]) => [
        at(path, rate),
        ratio(fixedMedian(fixed.saker[at(path, rate)]), fixedMedian(fixed.fastify[at(path, rate)])),
      ]),
    ),
    sakerIndexedOverPlain: {
      rps: ratio(cells.saker[INDEXED].medianRps, cells.saker[PAGE].medianRps),
      reqPerCpuS: ratio(cells.saker[INDEXED].reqPerCpuS, cells.saker[PAGE].reqPerCpuS),
    },
  }

  const x = (r) => (r == null ? '—' : `${r.toFixed(2)}×`)
  const int = (n) => (n == null ? '—' : Math.round(n).toLocaleString('en-US'))
  const lines = [
    '| framework | endpoint | req/s | spread | server CPU | req/CPU-s | spread | p99 ms | vs Fastify req/s | vs Fastify req/CPU-s |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ]
  for (const p of PEERS)
    for (const [path, c] of Object.entries(cells[p.id])) {
      const vs = p.id === 'saker' ? ratios.sakerOverFastify[label(path)] : null
      const flag = c.non2xx || c.socketErrors ? ' ⚠' : ''
      lines.push(
        `| ${p.label} | ${label(path)}${flag} | ${int(c.medianRps)} | ${(c.spread * 100).toFixed(1)}% | ${c.serverCpuPct}% | ` +
          `${int(c.reqPerCpuS)} | ${((c.reqPerCpuSSpread ?? 0) * 100).toFixed(1)}% | ${c.p99Ms.toFixed(2)} | ` +
          `${vs ? x(vs.rps) : '—'} | ${vs ? x(vs.reqPerCpuS) : '—'} |`,
      )
    }
  const f = ratios.sakerFilteredOverPlain
  const started = new Date().toISOString()
  const out = [
    '',
    `## saker CRUD bench — ${started}${opts.quick ? ' (quick)' : ''}`,
    '',
    `node ${process.version}, ${opts.rounds} rounds × ${opts.duration} s, wrk -t1 -c64, server on CPU 1, wrk on CPU 0, ` +
      'PostgreSQL on CPU 0. page = `' +
      PAGE +
      '`, /:id = `' +
      ONE +
      '`, filtered = `' +
      FILTERED +
      '`, filtered (indexed) = `' +
      INDEXED +
      '` (both saker only).',
    '',
    ...lines,
    '',
    `saker filtered ÷ saker page: req/s ${x(f.rps)}, req/CPU-s ${x(f.reqPerCpuS)}`,
    `saker filtered (indexed) ÷ saker page: req/s ${x(ratios.sakerIndexedOverPlain.rps)}, req/CPU-s ${x(ratios.sakerIndexedOverPlain.reqPerCpuS)}`,
    ratios.sakerOverDrf === null
      ? 'DRF: not run (not installed)'
      : `saker ÷ DRF in req/CPU-s: page ${x(ratios.sakerOverDrf.page.reqPerCpuS)}, /:id ${x(ratios.sakerOverDrf['/:id'].reqPerCpuS)}` +
        ` (req/s: ${x(ratios.sakerOverDrf.page.rps)}, ${x(ratios.sakerOverDrf['/:id'].rps)})`,
    `saker at a constant ${FIXED_RATE} req/s (autocannon on CPU 0): page ${int(fixedMedian(fixed.saker[at(PAGE, FIXED_RATE)]))} req/CPU-s, ` +
      `filtered ${int(fixedMedian(fixed.saker[at(FILTERED, FIXED_RATE)]))} req/CPU-s, filtered ÷ page ${x(f.atFixedRate)} ` +
      `(spreads ${pct(fixedSpread(fixed.saker[at(PAGE, FIXED_RATE)]))}, ${pct(fixedSpread(fixed.saker[at(FILTERED, FIXED_RATE)]))})`,
    '',
    'At one offered load (autocannon, constant rate, on CPU 0), server req/CPU-s:',
    '',
    '| endpoint | saker | spread | Fastify | spread | saker ÷ Fastify |',
    '| --- | ---: | ---: | ---: | ---: | ---: |',
    ...Object.entries(ratios.sakerOverFastifyAtFixedRate).map(
      ([key, r]) =>
        `| ${key} req/s | ${int(fixedMedian(fixed.saker[key]))} | ${pct(fixedSpread(fixed.saker[key]))} | ` +
        `${int(fixedMedian(fixed.fastify[key]))} | ${pct(fixedSpread(fixed.fastify[key]))} | ${x(r)} |`,
    ),
    '',
  ]
  const maxOther = Math.max(...PEERS.flatMap((p) => Object.values(cells[p.id]).map((c) => c.maxOtherCpuPct)))
  out.push(`largest CPU share used by others (PostgreSQL included) on either core: ${maxOther}%`)
  const dir = join(ROOT, 'bench', 'results')
  mkdirSync(dir, { recursive: true })
  const file = join(dir, `crud-${started.slice(0, 19).replaceAll(':', '-')}Z.json`)
  writeFileSync(
    file,
    `${JSON.stringify({ date: started, quick: opts.quick, protocol: { ...opts, warmupS: WARMUP_S, fixedRate: FIXED_RATE, pageRate: PAGE_RATE, oneRate: ONE_RATE }, node: process.version, cells, fixed, ratios }, null, 2)}\n`,
  )
  out.push('', `results: ${join('bench', 'results', file.split('/').pop())}`)
  process.stdout.write(`${out.join('\n')}\n`)
}

const cleanup = () => {
  killWrk()
  killAll()
}
process.on('exit', cleanup)
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => process.exit(130))

main().then(
  () => process.exit(0),
  (err) => {
    log(`crud bench: ${err.stack ?? err}`)
    process.exit(1)
  },
)
