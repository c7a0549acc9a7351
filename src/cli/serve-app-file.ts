/**
 * The child process of `startAppFile`: imports the app file given as a URL, listens on
 * 127.0.0.1 at the given port, and says so with one line on stdout.
 */
import type { Saker } from '../app.ts'

const [url, port] = process.argv.slice(2) as [string, string]
const module = (await import(url)) as { default?: unknown }
const app = (await module.default) as Saker | undefined
if (typeof app?.listen !== 'function') {
  process.stderr.write(
    `${url} must \`export default\` a saker app (const app = saker(); …; export default app)\n`,
  )
  process.exit(1)
}
await app.listen({ port: Number(port), host: '127.0.0.1' })
process.stdout.write(`listening on ${port}\n`)
process.once('SIGTERM', () => {
  void app.close().then(() => process.exit(0))
})
