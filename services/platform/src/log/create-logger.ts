import { type Logger, type LoggerOptions, pino } from 'pino';
import { LogField } from '#shared/log/fields.js';

export interface LoggerSettings {
  /** Which part of Signalbox logs: coordinator, extension, cli… Every line carries it. */
  component: string;
  level: string;
  /** Extra fields on every line, e.g. the coordinator's instance or the worker's id. */
  base?: Record<string, string>;
  /** Human-readable lines; defaults to on when stdout is a terminal and CI is not set. */
  pretty?: boolean;
}

/**
 * The one way services make their logger: pino JSON lines (for log shippers) with a component field, or
 * pino-pretty when a person is watching a terminal. pino-pretty runs as a pino transport (a worker thread),
 * so pretty printing never blocks the event loop.
 */
export function createLogger(settings: LoggerSettings, env: NodeJS.ProcessEnv = process.env): Logger {
  const pretty = settings.pretty ?? (process.stdout.isTTY === true && !env.CI);
  const options: LoggerOptions = {
    level: settings.level,
    ...(pretty
      ? {
          transport: {
            target: 'pino-pretty',
            options: { colorize: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' },
          },
        }
      : {}),
  };
  return pino(options).child({ [LogField.component]: settings.component, ...settings.base });
}
