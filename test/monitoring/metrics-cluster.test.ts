import assert from 'node:assert/strict'
import { test } from 'node:test'
import { getOnce, withCluster } from '../helpers/cluster.ts'

const HELLO = '{method="GET",route="/hello",status="200"}'

function helloCount(text: string): number | undefined {
  const line = text.split('\n').find((candidate) => candidate.startsWith(`http_requests_total${HELLO} `))
  return line === undefined ? undefined : Number(line.split(' ')[1])
}

test('across two workers, a scrape of either one answers the sum of both', async () => {
  await withCluster({}, async (url) => {
    const served = new Set<string>()
    for (let i = 0; i < 6; i++) {
      const res = await getOnce(`${url}/hello`)
      assert.equal(res.status, 200)
      served.add(res.headers['x-worker'] as string)
    }
    assert.equal(served.size, 2, 'both workers served /hello')
    const scraped = new Map<string, number | undefined>()
    for (let i = 0; i < 4; i++) {
      const res = await getOnce(`${url}/metrics`)
      assert.equal(res.status, 200)
      scraped.set(res.headers['x-worker'] as string, helloCount(res.body))
    }
    assert.equal(scraped.size, 2, 'both workers answered a scrape')
    assert.deepEqual([...scraped.values()], [6, 6])
  })
})
