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
  const socketErrors = rounds.reduce(
    (n, r) => n + Object.values(r.socket_errors).reduce((a, b) => a + b, 0),
    0,
  )
  return {
    medianRps: round(med, 0),
    p50Ms: round(median(rounds.map((r) => r.p50_us)) / 1000, 3),
    p99Ms: round(median(rounds.map((r) => r.p99_us)) / 1000, 3),
    spread: round((Math.max(...rps) - Math.min(...rps)) / med, 4), // (max-min)/median across rounds
    peakRssMb: round(Math.max(...rounds.map((r) => r.rssKb ?? 0)) / 1024, 1),
    non2xx: rounds.reduce((n, r) => n + r.non2xx, 0),
    socketErrors,
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
 * Markdown table. `frameworks` is the results object; `order` the display order.
 * /mw (saker only) is compared with node:http's /json, the closest standard endpoint.
 */
export function markdown(frameworks, order) {
  const lines = [
    '| framework | endpoint | req/s (median) | vs node:http | p99 ms | spread | RSS MB |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: |',
  ]
  for (const id of order) {
    const fw = frameworks[id]
    if (fw.status === 'failed') {
      lines.push(`| ${fw.label} | — | FAILED | — | — | — | — |`)
      continue
    }
    for (const [path, c] of Object.entries(fw.endpoints)) {
      const ratio = c.ratioToNode == null ? '—' : `${fmt(c.ratioToNode, 2)}×`
      const spread = c.spread == null ? '—' : `${fmt(c.spread * 100, 1)}%`
      const flag = c.non2xx || c.socketErrors ? ' ⚠' : ''
      lines.push(
        `| ${fw.label} | ${path}${flag} | ${fmtInt(c.medianRps)} | ${ratio} | ${fmt(c.p99Ms, 2)} | ${spread} | ${fmt(c.peakRssMb, 1)} |`,
      )
    }
  }
  return lines.join('\n')
}
