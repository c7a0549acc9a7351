/**
 * Redis, for what must hold across instances (rate limits, pub/sub): `ioredis`, an optional
 * peer dependency imported only when a Redis URL is given.
 */
import type { Redis } from 'ioredis'
import { loadOptional } from './optional-dependency.ts'

export type { Redis }

/** Opens a connection to `url` (e.g. `redis://127.0.0.1:6379`, usually `process.env.REDIS_URL`). */
export async function connectRedis(url: string): Promise<Redis> {
  const { Redis } = await loadOptional('ioredis', 'A Redis URL', () => import('ioredis'))
  return new Redis(url, { lazyConnect: false, maxRetriesPerRequest: 1 })
}
