/** The public surface of `saker/serve`. */
export { answerGather, broadcast, gather, onBroadcast, relayInPrimary } from './cluster-bus.ts'
export { type DevCertificate, devCertificate, devCertificateDir } from './dev-certificate.ts'
export { loadAppFile } from './load-app.ts'
export type { ServeOptions } from './options.ts'
export { serve } from './serve.ts'
export type { Serving } from './worker.ts'
