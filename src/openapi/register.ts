import type { Context } from '../context.ts'
import { HttpError } from '../errors.ts'
import type { CompiledRoute } from '../route.ts'
import type { Scope } from '../scope.ts'
import { docsAssets } from './docs-page.ts'
import { buildOpenApiDocument, type OpenApiOptions } from './document.ts'

/** Where the OpenAPI document and Swagger UI are served, and the document's info. */
export interface DocsOptions extends OpenApiOptions {
  /** Path of the OpenAPI document. Default `/openapi.json`. */
  path?: string
  /** Path of Swagger UI, or `false` for none. Default `/docs`. */
  docsPath?: string | false
}

/**
 * Registers `GET /openapi.json` and the Swagger UI under `/docs` (served from the
 * local `swagger-ui-dist`, no CDN). The document is built once, by `publish`, when
 * the app has compiled its routes.
 */
export function registerDocs(
  app: Scope,
  options: DocsOptions,
): { publish(routes: readonly CompiledRoute[]): void } {
  const documentPath = options.path ?? '/openapi.json'
  const docsPath = options.docsPath ?? '/docs'
  let document = ''
  const hidden = { hidden: true } as const
  app.get(documentPath, hidden, (ctx) => {
    ctx.header('content-type', 'application/json')
    return ctx.send(document)
  })
  if (docsPath !== false) {
    const assets = docsAssets(documentPath)
    app.get(docsPath, hidden, (ctx: Context) => ctx.redirect(`${docsPath}/`, 302))
    app.get(`${docsPath}/*`, hidden, (ctx) => {
      const name = ctx.params['*'] === '' ? 'index.html' : ctx.params['*']
      const asset = assets.get(name)
      if (asset === undefined) throw new HttpError(404, `No docs asset ${name}.`)
      ctx.header('content-type', asset.type)
      // NOTE: the page and its initializer name the document URL, so they are revalidated; the bundles are cached.
      ctx.header(
        'cache-control',
        name.startsWith('swagger-ui') || name.startsWith('favicon') ? 'public, max-age=86400' : 'no-cache',
      )
      return ctx.send(asset.body)
    })
  }
  return {
    publish(routes) {
      document = JSON.stringify(buildOpenApiDocument(routes, options))
    },
  }
}
