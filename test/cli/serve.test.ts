// `saker serve` and `saker dev` on the command line: usage errors, a failed start, a reload.
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { runSaker, usage } from '../helpers/cli.ts'
import { startSaker } from '../serve/serve-process.ts'

const APP = 'test/fixtures/serve-app.ts'

describe('saker serve and dev', () => {
  it('answers a usage error with exit 2 and what is wrong', async () => {
    for (const [args, message] of [
      [['serve'], 'serve and dev take one app file'],
      [['serve', 'nowhere.ts'], 'no app file "nowhere.ts"'],
      [['serve', APP, '-p', 'x'], '--port must be a whole number from 0 to 65535, not "x"'],
      [['serve', APP, '-w', '0'], '--workers must be auto or a whole number from 1 up, not "0"'],
      [['serve', APP, '--tls-cert', APP], '--tls-cert and --tls-key go together'],
      [['serve', APP, '--http2'], '--http2 needs TLS: --tls-cert and --tls-key, or --auto-tls'],
      [['dev', APP, '--watch', 'nowhere'], '--watch: "nowhere" does not exist'],
    ] as const) {
      const run = await runSaker([...args])
      assert.equal(run.code, 2, args.join(' '))
      assert.equal(run.stderr, usage(message))
      assert.equal(run.stdout, '')
    }
  })

  it('exits 1 with the reason when the app does not start, with or without workers', async () => {
    const alone = await runSaker(['serve', 'test/fixtures/not-an-app.ts', '-p', '0'])
    assert.equal(alone.code, 1)
    assert.match(alone.stderr, /not-an-app\.ts must `export default` a saker app/)
    const workers = await runSaker(['serve', 'test/fixtures/not-an-app.ts', '-p', '0', '-w', '2'])
    assert.equal(workers.code, 1)
    assert.match(workers.stderr, /saker: a worker exited \(code 1, signal null\) before the app listened\n$/)
  })

  it('dev restarts the app when its file changes', { timeout: 30_000 }, async () => {
    const dir = mkdtempSync(join('test', 'fixtures', '.dev-'))
    const file = join(dir, 'app.ts')
    const write = (word: string) =>
      writeFileSync(
        file,
        `import { saker } from 'saker'\nconst app = saker({ logger: false })\napp.get('/', {}, (ctx) => ctx.text('${word}'))\nexport default app\n`,
      )
    write('one')
    const server = await startSaker(['dev', file, '-p', '0'])
    try {
      assert.equal(await (await fetch(server.url)).text(), 'one')
      await sleep(200)
      write('two')
      const started = Date.now()
      let url = server.url
      while (Date.now() - started < 15_000) {
        const urls = [...server.output().matchAll(/"url":"([^"]+)"/g)].map((match) => match[1] as string)
        if (urls.length >= 2) {
          url = urls.at(-1) as string
          break
        }
        await sleep(100)
      }
      assert.notEqual(url, server.url, `no restart:\n${server.output()}`)
      assert.equal(await (await fetch(url)).text(), 'two')
      server.child.kill('SIGTERM')
      assert.equal(await server.exited, 0)
    } finally {
      await server.kill()
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
