// An SVG bar chart of a bench run: one panel per endpoint, one bar per framework (median req/s),
// longest first, saker's bar in its own colour. Plain SVG text, no dependency.

const BAR = 18
const GAP = 6
const LABEL_W = 120
const PLOT_W = 520
const VALUE_W = 90
const TITLE_H = 28
const PANEL_GAP = 18
const WIDTH = LABEL_W + PLOT_W + VALUE_W

const escape = (text) =>
  String(text)
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')

/**
 * @param {string} title the chart's heading
 * @param {Array<{ endpoint: string, bars: Array<{ label: string, value: number, highlight?: boolean }> }>} panels
 * @param {string} unit what the values count (e.g. "req/s")
 */
export function barChart(title, panels, unit) {
  const parts = []
  let y = TITLE_H + 8
  for (const panel of panels) {
    const bars = [...panel.bars].filter((b) => b.value > 0).sort((a, b) => b.value - a.value)
    if (bars.length === 0) continue
    const max = bars[0].value
    parts.push(`<text x="0" y="${y + 14}" font-weight="bold">${escape(panel.endpoint)}</text>`)
    y += 22
    for (const bar of bars) {
      const width = Math.max(1, Math.round((bar.value / max) * PLOT_W))
      const fill = bar.highlight ? '#d9480f' : '#868e96'
      parts.push(
        `<text x="${LABEL_W - 8}" y="${y + BAR - 5}" text-anchor="end">${escape(bar.label)}</text>`,
        `<rect x="${LABEL_W}" y="${y}" width="${width}" height="${BAR}" fill="${fill}"/>`,
        `<text x="${LABEL_W + width + 6}" y="${y + BAR - 5}">${Math.round(bar.value).toLocaleString('en-US')}</text>`,
      )
      y += BAR + GAP
    }
    y += PANEL_GAP
  }
  const height = y
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="sans-serif" font-size="13">`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    `<text x="0" y="18" font-size="16" font-weight="bold">${escape(title)} (${escape(unit)}, higher is better)</text>`,
    ...parts,
    '</svg>',
    '',
  ].join('\n')
}
