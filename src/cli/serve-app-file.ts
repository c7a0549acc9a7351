/**
 * The child process of `startAppFile`: imports the app file given as a URL, listens on
 * 127.0.0.1 on a free port, and names it in one line on stdout (`listening on <port>`).
 */
import { loadAppFile } from '../serve/load-app.ts'

const [url] = process.argv.slice(2) as [string]
const app = await loadAppFile(url).catch((error: Error) => {
  process.stderr.write(`${error.message}\n`)
  process.exit(1)
})
const address = await app.listen({ port: 0, host: '127.0.0.1' })
process.stdout.write(`listening on ${address.port}\n`)
process.once('SIGTERM', () => {
  void app.close().then(() => process.exit(0))
})
