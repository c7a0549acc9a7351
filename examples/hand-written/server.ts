import { newsletterApp } from './app.ts'

const app = newsletterApp({ dev: process.env.NODE_ENV !== 'production' })
const port = Number(process.env.PORT ?? 8000)
const host = process.env.HOST ?? '127.0.0.1'
await app.listen({ port, host })
app.log.info(`Newsletter API on http://${host}:${port}/api/v1/members, docs at http://${host}:${port}/docs`)

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    app.log.info({ signal }, 'closing')
    void app.close().then(() => process.exit(0))
  })
}
