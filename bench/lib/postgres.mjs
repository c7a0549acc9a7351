// The local PostgreSQL during a bench: pinned to CPU 0 with the load generator, so the server
// under test has CPU 1 to itself (PostgreSQL's CPU time is never in the server's figure).
import { spawnSync } from 'node:child_process'
import os from 'node:os'

/** Sets the CPU affinity of every PostgreSQL process (backends fork from the postmaster); answers how many. */
function setAffinity(cpus) {
  const pids = spawnSync('pgrep', ['-x', 'postgres'], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean)
  for (const pid of pids) spawnSync('taskset', ['-a', '-p', '-c', cpus, pid])
  return pids.length
}

/** Pins PostgreSQL to CPU 0 until this process exits; answers how many processes were pinned. */
export function pinPostgres() {
  const pinned = setAffinity('0')
  process.on('exit', () => setAffinity(`0-${os.availableParallelism() - 1}`))
  return pinned
}
