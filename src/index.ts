/** The public surface of `saker`. */
export { type Static, type TSchema, Type as t } from '@sinclair/typebox'
export { type ListenOptions, Saker, type SakerOptions, saker } from './app.ts'
export { Context } from './context.ts'
export {
  ErrorCodes,
  type FieldError,
  HttpError,
  type HttpErrorOptions,
  type Problem,
  ProblemSchema,
} from './errors.ts'
export type { ProxyHeaders, TrustProxy } from './http/client-address.ts'
export type { NodeServer, ServerLimits, TlsOptions } from './http/server.ts'
export type { EventProducer, EventStream, EventStreamOptions, ServerSentEvent } from './http/sse.ts'
export type { OpenApiOptions } from './openapi/document.ts'
export type { DocsOptions } from './openapi/register.ts'
export { type Operation, operation, type Resource } from './resource.ts'
export { Scope } from './scope.ts'
export type { DotfilePolicy } from './static/resolve.ts'
export type { StaticOptions } from './static/serve-static.ts'
export type {
  Handler,
  HookName,
  Hooks,
  InputOf,
  Method,
  Middleware,
  Next,
  Reply,
  RouteOptions,
  RouteSchemas,
} from './types.ts'
export type { PubSubOptions } from './ws/pubsub.ts'
export type { ServerWebSocket } from './ws/socket.ts'
export type {
  MessageOf,
  SlowConsumerPolicy,
  WebSocketData,
  WebSocketHandlers,
  WebSocketRouteOptions,
} from './ws/types.ts'
export type { UpgradeListener } from './ws/upgrade.ts'
