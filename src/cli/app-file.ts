/**
 * Runs an app file (TypeScript or JavaScript, whose default export is a saker app) in a child
 * process on a free loopback port, for `saker bench app.ts`.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { once } from 'node:events'
import { resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

export interface RunningApp {
  url: string
  stop(): Promise<void>
}

/** How long an app file may take to listen. */
const START_TIMEOUT_MS = 30_000

/** Starts `file` in its own process and resolves once it listens. */
export async function startAppFile(file: string): Promise<RunningApp> {
  const child = spawn(
    process.execPath,
    [
      // The app resolves packages under the CLI's own conditions.
      ...process.execArgv.filter((arg) => arg.startsWith('--conditions')),
      // tsx loads TypeScript app files; JavaScript ones pass through it unchanged.
      '--import',
      import.meta.resolve('tsx'),
      fileURLToPath(new URL(`./serve-app-file${extension()}`, import.meta.url)),
      pathToFileURL(resolve(file)).href,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, NODE_ENV: 'production' } },
  )
  const port = await listening(child, file)
  return {
    url: `http://127.0.0.1:${port}`,
    stop: async () => {
      if (child.exitCode !== null) return
      child.kill('SIGTERM')
      await once(child, 'exit')
    },
  }
}

/** `.ts` when saker runs from its source, `.js` from its build. */
function extension(): string {
  return import.meta.url.endsWith('.ts') ? '.ts' : '.js'
}

const LISTENING = /^listening on (\d+)\n/

/** The port the child names once it listens (the port 0 it asked for, as the system chose it). */
function listening(child: ChildProcess, file: string): Promise<number> {
  return new Promise((resolve, reject) => {
    let output = ''
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`${file} did not listen within ${START_TIMEOUT_MS / 1000} s`))
    }, START_TIMEOUT_MS)
    const read = (chunk: Buffer) => {
      output += chunk
      const line = LISTENING.exec(output)
      if (line === null) return
      clearTimeout(timer)
      child.stdout?.off('data', read)
      resolve(Number(line[1]))
    }
    child.stdout?.on('data', read)
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`${file} exited (code ${code}) before it listened`))
    })
  })
}
