import { extname } from 'node:path'

const UTF8 = '; charset=utf-8'

/** Content types by lowercase extension: the web's common files; anything else is a download. */
const TYPES = new Map<string, string>([
  ['.html', `text/html${UTF8}`],
  ['.htm', `text/html${UTF8}`],
  ['.css', `text/css${UTF8}`],
  ['.js', `text/javascript${UTF8}`],
  ['.mjs', `text/javascript${UTF8}`],
  ['.cjs', `text/javascript${UTF8}`],
  ['.json', 'application/json'],
  ['.map', 'application/json'],
  ['.webmanifest', 'application/manifest+json'],
  ['.txt', `text/plain${UTF8}`],
  ['.md', `text/markdown${UTF8}`],
  ['.csv', `text/csv${UTF8}`],
  ['.xml', 'application/xml'],
  ['.svg', 'image/svg+xml'],
  ['.png', 'image/png'],
  ['.jpg', 'image/jpeg'],
  ['.jpeg', 'image/jpeg'],
  ['.gif', 'image/gif'],
  ['.webp', 'image/webp'],
  ['.avif', 'image/avif'],
  ['.ico', 'image/x-icon'],
  ['.woff', 'font/woff'],
  ['.woff2', 'font/woff2'],
  ['.ttf', 'font/ttf'],
  ['.otf', 'font/otf'],
  ['.wasm', 'application/wasm'],
  ['.pdf', 'application/pdf'],
  ['.zip', 'application/zip'],
  ['.gz', 'application/gzip'],
  ['.mp3', 'audio/mpeg'],
  ['.ogg', 'audio/ogg'],
  ['.wav', 'audio/wav'],
  ['.mp4', 'video/mp4'],
  ['.webm', 'video/webm'],
])

const DEFAULT_TYPE = 'application/octet-stream'

/**
 * The content type of a file by its extension, `application/octet-stream` when unknown.
 * `extra` (lowercase extensions with their dot) wins over the built-in table.
 *
 * @example
 * contentTypeOf('app.css') // 'text/css; charset=utf-8'
 */
export function contentTypeOf(file: string, extra?: ReadonlyMap<string, string>): string {
  const extension = extname(file).toLowerCase()
  return extra?.get(extension) ?? TYPES.get(extension) ?? DEFAULT_TYPE
}
