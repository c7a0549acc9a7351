/** The public surface of `saker/monitoring`. */
export { databaseCheck, type Pingable } from './database-check.ts'
export { type CheckResult, type HealthCheck, type HealthOptions, health } from './health.ts'
export { type MetricsOptions, metrics } from './metrics.ts'
