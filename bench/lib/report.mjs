// Aggregation across rounds (medians + spread) and the markdown table.

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b)
  const mid = s.length >> 1
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2
}

/** Median cell of one (framework, endpoint) from its per-round wrk results. */
export function summarize(rounds) {
  const rps = rounds.map((r) => r.rps)
  const med = median(rps)
  const perCpu = rounds.map((r) => r.reqPerCpuS).filter((x) => x != null)
  const medPerCpu = perCpu.length ? median(perCpu) : null
  const cpuPct = rounds.map((r) => r.serverCpuPct).filter((x) => x != null)
  const socketErrors = rounds.reduce(
    (n, r) => n + Object.values(r.socket_errors).reduce((a, b) => a + b, 0),
    0,
  )
  return {
    medianRps: round(med, 0),
    p50Ms: round(median(rounds.map((r) => r.p50_us)) / 1000, 3),
    p99Ms: round(median(rounds.map((r) => r.p99_us)) / 1000, 3),
    spread: round((Math.max(...rps) - Math.min(...rps)) / med, 4), // (max-min)/median across rounds
    serverCpuPct: cpuPct.length ? round(median(cpuPct), 1) : null, // share of CPU 1 used by the server
    reqPerCpuS: medPerCpu == null ? null : round(medPerCpu, 0), // requests per server CPU-second
    reqPerCpuSSpread: medPerCpu ? round((Math.max(...perCpu) - Math.min(...perCpu)) / medPerCpu, 4) : null,
    peakRssMb: round(Math.max(...rounds.map((r) => r.rssKb ?? 0)) / 1024, 1),
    non2xx: rounds.reduce((n, r) => n + r.non2xx, 0),
    socketErrors,
    maxOtherCpuPct: Math.max(0, ...rounds.map((r) => r.otherCpuPct ?? 0)), // load not ours on CPU 1
    rounds,
  }
}

export function round(x, digits) {
  if (!Number.isFinite(x)) return null
  const f = 10 ** digits
  return Math.round(x * f) / f
}

const fmtInt = (n) => (n == null ? '—' : Math.round(n).toLocaleString('en-US'))
const fmt = (n, d) => (n == null ? '—' : n.toFixed(d))

/**
 * Markdown table. `frameworks` is the results object; `order` the display order. Two ratio columns:
 * req/s and requests per server CPU-second, each ÷ node:http's median on the same endpoint.
 * /mw (saker only) is compared with node:http's /json, the closest standard endpoint.
 */
export function markdown(frameworks, order) {
  const lines = [
    '| framework | endpoint | req/s | vs node:http | spread | server CPU | req/CPU-s | vs node:http | spread | p99 ms | RSS MB |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ]
  const times = (r) => (r == null ? '—' : `${fmt(r, 2)}×`)
  const pct = (x) => (x == null ? '—' : `${fmt(x * 100, 1)}%`)
  for (const id of order) {
    const fw = frameworks[id]
    if (fw.status === 'failed') {
      lines.push(`| ${fw.label} | — | FAILED | — | — | — | — | — | — | — | — |`)
      continue
    }
    for (const [path, c] of Object.entries(fw.endpoints)) {
      const flag = c.non2xx || c.socketErrors ? ' ⚠' : ''
      const cells = [
        fw.label,
        `${path}${flag}`,
        fmtInt(c.medianRps),
        times(c.ratioToNode),
        pct(c.spread),
        c.serverCpuPct == null ? '—' : `${fmt(c.serverCpuPct, 0)}%`,
        fmtInt(c.reqPerCpuS),
        times(c.reqPerCpuSRatioToNode),
        pct(c.reqPerCpuSSpread),
        fmt(c.p99Ms, 2),
        fmt(c.peakRssMb, 1),
      ]
      lines.push(`| ${cells.join(' | ')} |`)
    }
  }
  return lines.join('\n')
}
