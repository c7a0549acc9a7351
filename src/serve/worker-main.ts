/**
 * What a cluster worker runs for `saker serve app.ts --workers N`: loads the app file (its path
 * is the argument) and serves it with the settings the primary passed in the environment.
 */
import { serve } from './serve.ts'

const [file] = process.argv.slice(2) as [string]
try {
  await serve(file)
} catch (error) {
  process.stderr.write(`saker: ${error instanceof Error ? error.message : String(error)}\n`)
  process.exit(1)
}
