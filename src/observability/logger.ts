import { pino, type Logger } from 'pino';

export type LogLevel = 'debug' | 'verbose' | 'notice' | 'warning';

/** Redis's log levels mapped onto pino's. */
const PINO_LEVEL: Record<LogLevel, string> = {
  debug: 'debug',
  verbose: 'debug',
  notice: 'info',
  warning: 'warn',
};

export type { Logger };

/** A logger writing JSON lines to stdout, or to `file` when one is given. */
export function createLogger(level: LogLevel, file: string): Logger {
  const destination =
    file === '' ? pino.destination(1) : pino.destination({ dest: file, mkdir: true });
  return pino({ level: PINO_LEVEL[level], base: { pid: process.pid } }, destination);
}

export function setLogLevel(logger: Logger, level: LogLevel): void {
  logger.level = PINO_LEVEL[level];
}

export function pinoLevel(level: LogLevel): string {
  return PINO_LEVEL[level];
}
