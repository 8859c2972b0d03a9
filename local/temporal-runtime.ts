/**
 * The Temporal SDK's runtime for the in-process worker: its log lines go through our pino logger, and it
 * installs no signal handlers of its own, so that Ctrl-C runs `npm start`'s shutdown in its order
 * (API first, then the worker's drain) instead of the SDK stopping the worker on its own.
 */
import { DefaultLogger, Runtime, type LogLevel } from '@temporalio/worker';
import type { Logger } from '../shared/logger.js';

const PINO_LEVEL: Record<LogLevel, 'trace' | 'debug' | 'info' | 'warn' | 'error'> = { TRACE: 'trace', DEBUG: 'debug', INFO: 'info', WARN: 'warn', ERROR: 'error' };

export function installTemporalRuntime(logger: Logger): void {
  Runtime.install({
    logger: new DefaultLogger('WARN', (entry) => logger[PINO_LEVEL[entry.level]]({ ...entry.meta }, entry.message)),
    shutdownSignals: [],
  });
}

/** For bundleWorkflowCode: webpack's chatter at debug level, its problems as warnings. */
export function bundlerLogger(logger: Logger) {
  return {
    trace: () => {},
    debug: (message: string) => logger.debug(message),
    info: (message: string) => logger.debug(message),
    warn: (message: string, meta?: Record<string, unknown>) => logger.warn(meta ?? {}, message),
    error: (message: string, meta?: Record<string, unknown>) => logger.error(meta ?? {}, message),
    log: () => {},
  };
}
