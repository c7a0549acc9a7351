// Runs `saker serve …` from the source, as users run it, and finds its URL in its log.
import { type ChildProcess, spawn } from 'node:child_process'
import { once } from 'node:events'

export interface ServeProcess {
  child: ChildProcess
  url: string
  /** Everything it wrote to stdout and stderr so far. */
  output(): string
  /** Resolves once a log line with this message has been written. */
  logged(message: string, timeout?: number): Promise<void>
  /** Resolves with the exit code. */
  exited: Promise<number | null>
  /** Stops it if it still runs. */
  kill(): Promise<void>
}

/** Starts `saker <args>` (e.g. `serve app.ts -p 0`) and resolves once it logs that it is serving. */
export async function startSaker(args: string[], env: Record<string, string> = {}): Promise<ServeProcess> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', '--conditions=saker-source', 'bin/saker.js', ...args],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ...env },
    },
  )
  let output = ''
  const waiters = new Set<() => void>()
  const read = (chunk: Buffer) => {
    output += chunk
    for (const check of waiters) check()
  }
  child.stdout?.on('data', read)
  child.stderr?.on('data', read)
  const exited = once(child, 'exit').then(([code]) => code as number | null)
  const logged = (message: string, timeout = 15_000) =>
    new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        waiters.delete(check)
        reject(new Error(`no "${message}" line within ${timeout} ms:\n${output}`))
      }, timeout)
      const check = () => {
        if (!output.includes(`"msg":"${message}"`)) return
        clearTimeout(timer)
        waiters.delete(check)
        resolve()
      }
      waiters.add(check)
      check()
    })
  await Promise.race([
    logged('serving'),
    exited.then((code) => Promise.reject(new Error(`saker exited (code ${code}):\n${output}`))),
  ])
  const url = /"url":"([^"]+)"/.exec(output)?.[1] as string
  return {
    child,
    url,
    output: () => output,
    logged,
    exited,
    kill: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return
      child.kill('SIGKILL')
      await exited
    },
  }
}
