import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readlinkSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join, sep } from 'node:path'
import { brotliCompressSync, gzipSync } from 'node:zlib'

/** What must never be served: the text of the files beside and above the root. */
export const SECRET = 'TOP SECRET'
export const HELLO = 'Hello, static world!\n'
export const PAGE = `<!doctype html><title>page</title>${'<p>compressible text</p>'.repeat(50)}`
export const BIG = Buffer.from(Array.from({ length: 256 * 1024 }, (_, i) => (i * 31 + 7) % 251))

/** A directory of files to serve, and beside it what must stay out of reach; `remove()` deletes both. */
export interface Fixture {
  base: string
  root: string
  remove(): void
}

/**
 * Builds `<base>/public` (the root) with text, binary, precompressed, dot, index and symlinked
 * files, and beside it `<base>/secret.txt` and `<base>/public-evil/secret.txt` (a sibling whose
 * name starts with the root's, to catch a prefix check without the separator).
 */
export function createFixture(): Fixture {
  const base = mkdtempSync(join(tmpdir(), 'saker-static-'))
  const root = join(base, 'public')
  const file = (path: string, content: string | Buffer) => writeFileSync(join(root, path), content)
  mkdirSync(root)
  writeFileSync(join(base, 'secret.txt'), SECRET)
  mkdirSync(join(base, 'public-evil'))
  writeFileSync(join(base, 'public-evil', 'secret.txt'), SECRET)

  file('hello.txt', HELLO)
  file('app.js', 'console.log(1)\n')
  file('style.css', 'body { color: red }\n')
  file('data.json', '{"a":1}')
  file('image.png', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))
  file('image.png.gz', gzipSync(Buffer.from('not to be served')))
  file('unknown.xyz', 'x')
  file('Shout.TXT', 'loud')
  file('empty.txt', '')
  file('big.bin', BIG)
  file('page.html', PAGE)
  file('page.html.br', brotliCompressSync(PAGE))
  file('page.html.gz', gzipSync(PAGE))
  file('only-gz.css', 'p { margin: 0 }\n'.repeat(10))
  file('only-gz.css.gz', gzipSync('p { margin: 0 }\n'.repeat(10)))
  file('.env', `SECRET=${SECRET}`)
  mkdirSync(join(root, '.git'))
  file('.git/config', SECRET)
  mkdirSync(join(root, 'docs'))
  file('docs/index.html', '<h1>docs</h1>')
  mkdirSync(join(root, 'empty-dir'))
  symlinkSync(join(base, 'secret.txt'), join(root, 'link-out.txt'))
  symlinkSync(join(base, 'public-evil', 'secret.txt'), join(root, 'link-evil.txt'))
  symlinkSync(base, join(root, 'link-dir-out'))
  symlinkSync('hello.txt', join(root, 'link-in.txt'))
  // A precompressed sibling that leads outside: never served, the plain file is.
  file('leaky.css', 'a { b: c }\n')
  symlinkSync(join(base, 'secret.txt'), join(root, 'leaky.css.gz'))
  return { base, root, remove: () => rmSync(base, { recursive: true, force: true }) }
}

/** The files under `dir` (a real path) this process holds open, read from /proc/self/fd (Linux). */
export function openFilesUnder(dir: string): string[] {
  const open: string[] = []
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      const target = readlinkSync(`/proc/self/fd/${fd}`)
      if (target.startsWith(dir + sep)) open.push(target)
    } catch {
      // The descriptor readdir itself used, closed by now.
    }
  }
  return open
}
