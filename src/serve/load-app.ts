/**
 * Loads an app file: a TypeScript or JavaScript module whose default export is a saker app.
 */
import { isAbsolute, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import type { Saker } from '../app.ts'

/**
 * Imports `file` (a path or a `file:` URL) and returns its default export, checked to be a saker app.
 *
 * @example
 * const app = await loadAppFile('app.ts')
 */
export async function loadAppFile(file: string): Promise<Saker> {
  const url = file.startsWith('file:') ? file : pathToFileURL(isAbsolute(file) ? file : resolve(file)).href
  let module: { default?: unknown }
  try {
    module = await import(url)
  } catch (error) {
    // Without tsx already loaded (saker run from its build), TypeScript goes through tsx's own import.
    if ((error as { code?: unknown }).code !== 'ERR_UNKNOWN_FILE_EXTENSION') throw error
    const { tsImport } = await import('tsx/esm/api')
    module = await tsImport(url, import.meta.url)
  }
  const app = (await module.default) as Saker | undefined
  if (typeof app?.listen !== 'function' || typeof app.close !== 'function') {
    throw new Error(
      `${file} must \`export default\` a saker app (const app = saker(); …; export default app)`,
    )
  }
  return app
}
