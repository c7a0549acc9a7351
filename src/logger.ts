import { type Logger, type LoggerOptions, pino } from 'pino'

/** `true` (default), `false` (silent), pino options, or a pino logger of your own. */
export type LoggerSetting = boolean | LoggerOptions | Logger

function isLogger(value: unknown): value is Logger {
  return typeof value === 'object' && value !== null && typeof (value as Logger).child === 'function'
}

/** Creates the app's pino logger; in development its lines are pretty-printed by pino-pretty. */
export function createLogger(setting: LoggerSetting, dev: boolean): Logger {
  if (isLogger(setting)) return setting
  if (setting === false) return pino({ level: 'silent' })
  const options: LoggerOptions = setting === true ? {} : setting
  if (dev && options.transport === undefined) {
    return pino({
      ...options,
      transport: { target: 'pino-pretty', options: { translateTime: 'HH:MM:ss.l', ignore: 'pid,hostname' } },
    })
  }
  return pino(options)
}
