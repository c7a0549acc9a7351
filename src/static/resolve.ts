import { join, sep } from 'node:path'
import { HttpError } from '../errors.ts'

/** What to do with a path that has a segment starting with a dot (`.env`, `.git/config`). */
export type DotfilePolicy = 'ignore' | 'deny' | 'allow'

/**
 * The file path a request's wildcard names under `root`, or a throw: 400 for a null byte, 404 for
 * `..` segments, backslashes and (by default) dotfiles, 403 for dotfiles under `'deny'`.
 *
 * NOTE: the wildcard is percent-decoded already (`%2e%2e%2f` arrives as `../`), so every check
 * here sees what the file system would.
 */
export function pathUnder(root: string, wildcard: string, dotfiles: DotfilePolicy): string {
  if (wildcard.includes('\0')) throw new HttpError(400, 'The path contains a null byte.')
  if (wildcard.includes('\\')) throw notFound()
  for (const segment of wildcard.split('/')) {
    if (segment === '..') throw notFound()
    if (segment.charCodeAt(0) === 46 /* . */ && dotfiles !== 'allow') {
      if (dotfiles === 'deny') throw new HttpError(403, 'Files starting with a dot are not served.')
      throw notFound()
    }
  }
  // `join`, not `resolve`: a leading "/" in the wildcard stays under the root.
  const path = join(root, wildcard)
  if (!isInside(root, path)) throw notFound()
  return path
}

/** Whether `path` is `root` or below it: the separator is part of the check (`/srv/public-evil`). */
export function isInside(root: string, path: string): boolean {
  return path === root || path.startsWith(root.endsWith(sep) ? root : root + sep)
}

/** The 404 of a path that names no file to serve, whatever the reason. */
export function notFound(): HttpError {
  return new HttpError(404, 'No file matches the path.')
}
