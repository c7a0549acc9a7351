import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'

/** One file of the docs page, ready to send. */
export interface DocsAsset {
  type: string
  body: Buffer | string
}

const HTML = 'text/html; charset=utf-8'
const CSS = 'text/css; charset=utf-8'
const JS = 'text/javascript; charset=utf-8'
const PNG = 'image/png'

/** The files copied as they are from `swagger-ui-dist`. */
const DIST_FILES: Array<[name: string, type: string]> = [
  ['swagger-ui.css', CSS],
  ['index.css', CSS],
  ['swagger-ui-bundle.js', JS],
  ['swagger-ui-standalone-preset.js', JS],
  ['favicon-32x32.png', PNG],
]

// NOTE: every URL is relative, so the page works wherever it is mounted, as long as
// its URL ends in "/" (`/docs/`, not `/docs`). No script or style is inline, so a
// strict Content-Security-Policy (`script-src 'self'`) still lets the page run.
const PAGE = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>API docs</title>
    <link rel="stylesheet" href="./swagger-ui.css">
    <link rel="stylesheet" href="./index.css">
    <link rel="icon" type="image/png" href="./favicon-32x32.png" sizes="32x32">
  </head>
  <body>
    <div id="swagger-ui"></div>
    <script src="./swagger-ui-bundle.js"></script>
    <script src="./swagger-ui-standalone-preset.js"></script>
    <script src="./swagger-initializer.js"></script>
  </body>
</html>
`

function initializer(openapiUrl: string): string {
  // NOTE: validatorUrl null: Swagger UI would otherwise send the document to validator.swagger.io.
  return `window.ui = SwaggerUIBundle({
  url: ${JSON.stringify(openapiUrl)},
  dom_id: '#swagger-ui',
  deepLinking: true,
  tryItOutEnabled: true,
  validatorUrl: null,
  presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
  plugins: [SwaggerUIBundle.plugins.DownloadUrl],
  layout: 'StandaloneLayout',
})
`
}

/**
 * The files of the Swagger UI docs page, by name relative to the docs path, served
 * from the local `swagger-ui-dist` package (no CDN). Reads the files on each call:
 * call it once at startup. `index.html` is the page; it loads the document from `openapiUrl`.
 *
 * @example
 * const assets = docsAssets('/openapi.json') // serve assets.get('index.html') at /docs/
 */
export function docsAssets(openapiUrl: string): Map<string, DocsAsset> {
  // NOTE: resolving package.json, not the package, so Node does not load the 1.7 MB bundle as a module.
  const dist = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'))
  const assets = new Map<string, DocsAsset>([
    ['index.html', { type: HTML, body: PAGE }],
    ['swagger-initializer.js', { type: JS, body: initializer(openapiUrl) }],
  ])
  for (const [name, type] of DIST_FILES) assets.set(name, { type, body: readFileSync(join(dist, name)) })
  return assets
}
