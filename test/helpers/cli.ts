/** The `saker` command line, run as users run it: in its own process, from the source (as `npm run saker`). */
import { spawn } from 'node:child_process'

export interface CliRun {
  code: number | null
  stdout: string
  stderr: string
}

/** Runs `saker <args>` to its end. */
export function runSaker(args: string[]): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', '--conditions=saker-source', 'bin/saker.js', ...args],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    )
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk) => {
      stdout += chunk
    })
    child.stderr.on('data', (chunk) => {
      stderr += chunk
    })
    child.once('error', reject)
    child.once('close', (code) => resolve({ code, stdout, stderr }))
  })
}

/** What the CLI prints for a usage error, before exiting 2. */
export const usage = (message: string) => `saker: ${message}\nRun \`saker help\` for usage.\n`
