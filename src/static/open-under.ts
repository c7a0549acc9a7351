import { constants, existsSync, type Stats } from 'node:fs'
import { type FileHandle, open, readlink, realpath, stat } from 'node:fs/promises'
import { isInside } from './resolve.ts'

/** A regular file or directory opened under the root, with its stats read from the open handle. */
export interface OpenedFile {
  handle: FileHandle
  stats: Stats
}

/** Opens a path under the root: the regular file or directory there, or `null` when there is none to serve. */
export type Opener = (path: string) => Promise<OpenedFile | null>

/** Where an opened file is, as a path with no symlinks, or `null` when that cannot be told. */
type Locate = (handle: FileHandle, path: string, stats: Stats) => Promise<string | null>

// NOTE: O_NONBLOCK because opening a FIFO for reading waits for a writer, holding a libuv
// thread-pool thread (there are four by default) for good; with it the open returns at once and
// fstat turns the FIFO away. Regular files ignore the flag.
const FLAGS = constants.O_RDONLY | constants.O_NONBLOCK
const FD_LINKS = '/proc/self/fd/'
// ENXIO: a socket file (it cannot be opened) or a device with nothing behind it.
const MISSING = new Set(['ENOENT', 'ENOTDIR', 'ENAMETOOLONG', 'ELOOP', 'EACCES', 'EPERM', 'ENXIO'])

/**
 * The opener of `app.static()` for `root` (a real path), with the way to locate files chosen once.
 *
 * NOTE: the file is opened first and its containment checked after, on where the open handle
 * really is. Checking a resolved path and then opening it by name let a symlink swapped in between
 * escape the root; O_NOFOLLOW is no cure, as it refuses symlinks inside the root and still follows
 * them in directories on the way.
 */
export function openerUnder(root: string): Opener {
  const locate = existsSync(FD_LINKS) ? locateByFd : locateByPath
  return (path) => openUnder(root, path, locate)
}

async function openUnder(root: string, path: string, locate: Locate): Promise<OpenedFile | null> {
  let handle: FileHandle
  try {
    handle = await open(path, FLAGS)
  } catch (error) {
    if (isMissing(error)) return null
    throw error
  }
  let opened: OpenedFile | null = null
  try {
    const stats = await handle.stat()
    // FIFOs, sockets and devices are never served.
    if (stats.isFile() || stats.isDirectory()) {
      const location = await locate(handle, path, stats)
      if (location !== null && isInside(root, location)) opened = { handle, stats }
    }
  } finally {
    if (opened === null) await handle.close()
  }
  return opened
}

/**
 * Linux: the kernel's own path of the open file (`/proc/self/fd/<fd>`), symlinks resolved.
 * It names the file that was opened, whatever the path names now, so nothing can race it.
 */
export function locateByFd(handle: FileHandle): Promise<string> {
  return readlink(FD_LINKS + handle.fd)
}

/**
 * Without `/proc`: the real path of `path`, if it names the opened file (same device and inode).
 *
 * NOTE: this narrows the race to a directory on the way swapped between `realpath` and `stat`
 * and back; `locateByFd` has no such window.
 */
export async function locateByPath(_handle: FileHandle, path: string, opened: Stats): Promise<string | null> {
  try {
    const real = await realpath(path)
    const named = await stat(real)
    return named.dev === opened.dev && named.ino === opened.ino ? real : null
  } catch (error) {
    if (isMissing(error)) return null
    throw error
  }
}

function isMissing(error: unknown): boolean {
  return MISSING.has((error as NodeJS.ErrnoException).code ?? '')
}
