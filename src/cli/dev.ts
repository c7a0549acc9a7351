/**
 * `saker dev`: runs `saker serve` in a child process (with `NODE_ENV=development`) and starts it
 * again when a file under the watched folders changes. A fresh process, rather than re-importing
 * in place, is the only reload that also picks up changed dependencies and leaves no state behind.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { once } from 'node:events'
import { type FSWatcher, watch } from 'node:fs'
import { fileURLToPath } from 'node:url'

/** Changes closer together than this (an editor saving several files) make one restart. */
const SETTLE_MS = 150
/** Folders whose changes never restart: dependencies, version control, builds, saker's own. */
const IGNORED = /(^|[/\\])(node_modules|\.git|\.saker|dist|coverage)([/\\]|$)/

/** Serves `file` until SIGINT or SIGTERM, restarting on changes under `dirs`; resolves with the exit code. */
export function watchAndRestart(file: string, serveArgs: string[], dirs: string[]): Promise<number> {
  const bin = fileURLToPath(new URL('../../bin/saker.js', import.meta.url))
  let child: ChildProcess | null = null
  let timer: NodeJS.Timeout | undefined
  let restarting = Promise.resolve()
  const start = () => {
    const running = spawn(process.execPath, [...process.execArgv, bin, 'serve', file, ...serveArgs], {
      stdio: 'inherit',
      env: { ...process.env, NODE_ENV: 'development' },
    })
    running.once('exit', (code, signal) => {
      if (child === running && signal === null && code !== 0) {
        process.stderr.write(`saker dev: the app exited (code ${code}); waiting for a change\n`)
      }
    })
    child = running
  }
  const stop = async () => {
    const running = child
    child = null
    if (running === null || running.exitCode !== null || running.signalCode !== null) return
    running.kill('SIGTERM')
    await once(running, 'exit')
  }
  const onChange = (_event: string, name: string | Buffer | null) => {
    if (name !== null && IGNORED.test(String(name))) return
    clearTimeout(timer)
    timer = setTimeout(() => {
      process.stderr.write(`saker dev: ${name ?? 'a file'} changed, restarting\n`)
      restarting = restarting.then(stop).then(start)
    }, SETTLE_MS)
  }
  const watchers: FSWatcher[] = dirs.map((dir) => watch(dir, { recursive: true }, onChange))
  start()
  return new Promise((resolve) => {
    const quit = () => {
      for (const watcher of watchers) watcher.close()
      clearTimeout(timer)
      void restarting.then(stop).then(() => resolve(0))
    }
    process.once('SIGINT', quit)
    process.once('SIGTERM', quit)
  })
}
