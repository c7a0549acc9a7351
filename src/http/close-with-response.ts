import type { ServerResponse } from 'node:http'
import type { Readable } from 'node:stream'

const bodies = Symbol('saker.bodyStream')
type StreamingResponse = ServerResponse & { [bodies]?: Readable }

/**
 * Destroys `stream` when the response closes, so a client that goes away mid-download releases the
 * file or compressor behind it at once (a pipe alone would leave it paused until collected). A later
 * call replaces the stream: it wraps the earlier one (through `pipeline`), whose destruction follows.
 */
export function closeWithResponse(res: ServerResponse, stream: Readable): void {
  // NOTE: the client may have left while the body was being prepared; 'close' will not come again.
  if (res.closed) {
    stream.destroy()
    return
  }
  const streaming = res as StreamingResponse
  if (streaming[bodies] === undefined) res.once('close', destroyBody)
  streaming[bodies] = stream
}

// PERF: a module function with the stream on the response, so no closure per reply.
function destroyBody(this: StreamingResponse): void {
  this[bodies]?.destroy()
}
