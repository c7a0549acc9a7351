/**
 * The child process of `startAppFile`: imports the app file given as a URL, listens on
 * 127.0.0.1 on a free port, and names it in one line on stdout (`listening on <port>`).
 */
import type { Saker } from '../app.ts'

const [url] = process.argv.slice(2) as [string]
const module = (await import(url)) as { default?: unknown }
const app = (await module.default) as Saker | undefined
if (typeof app?.listen !== 'function') {
  process.stderr.write(
    `${url} must \`export default\` a saker app (const app = saker(); …; export default app)\n`,
  )
  process.exit(1)
}
const address = await app.listen({ port: 0, host: '127.0.0.1' })
process.stdout.write(`listening on ${address.port}\n`)
process.once('SIGTERM', () => {
  void app.close().then(() => process.exit(0))
})
