/** The public surface of `saker/cli`: the command line, and `saker bench` as a function. */
export { type BenchOptions, type BenchReport, bench, formatReport, type TargetResult } from './bench.ts'
export { main } from './main.ts'
