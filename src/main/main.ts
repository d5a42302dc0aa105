import { mkdirSync } from 'node:fs';
import { randomInt } from 'node:crypto';
import { Config, ConfigError, commandLineAction, helpText, versionText } from '../config/config.js';
import { fsPath } from '../config/parse.js';
import { createLogger, setLogLevel, type LogLevel } from '../observability/logger.js';
import { NodeServer } from '../server/server.js';
import { Rng } from '../util/rng.js';
import { buildInfo } from '../server/info-source.js';

export const REDIS_VERSION = '7.0.15';
export const AIKV_VERSION = '0.1.0';

/** Runs aikv-server with redis-server's command line: [config-file] [--name value ...]. */
export function main(args: readonly string[]): void {
  const action = commandLineAction(args);
  if (action === 'help') {
    process.stdout.write(helpText());
    return;
  }
  if (action === 'version') {
    process.stdout.write(versionText(AIKV_VERSION, REDIS_VERSION));
    return;
  }
  let config: Config;
  try {
    config = Config.load(args);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`${err.message}\n`);
    process.exit(1);
  }
  void start(config);
}

async function start(config: Config): Promise<void> {
  const logger = createLogger(
    config.string('loglevel') as LogLevel,
    fsPath(config.string('logfile')),
  );
  config.onChange('loglevel', () => setLogLevel(logger, config.string('loglevel') as LogLevel));
  mkdirSync(fsPath(config.string('dir')), { recursive: true });
  const seeds = new Rng(randomInt(2 ** 31));
  const server = new NodeServer({
    config,
    logger,
    now: () => Date.now(),
    random32: () => seeds.nextUint32(),
    exit: (code) => process.exit(code),
    versions: { redis: REDIS_VERSION, aikv: AIKV_VERSION },
    info: buildInfo,
  });
  try {
    await server.listen();
  } catch (err) {
    logger.fatal({ err }, 'Could not start the server');
    process.exit(1);
  }
  const stop = (signal: string): void => {
    logger.warn(`Received ${signal}, shutting down`);
    void server.close().then(() => process.exit(0));
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}
