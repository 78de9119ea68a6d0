/**
 * Logging to stderr only: on stdio, stdout carries the MCP protocol and nothing else.
 * Level from SEGLAB_LOG (debug | info | warn | error), default info.
 */
const LEVELS = ['debug', 'info', 'warn', 'error'] as const;
export type Level = (typeof LEVELS)[number];

export interface Logger {
  debug(message: string, extra?: unknown): void;
  info(message: string, extra?: unknown): void;
  warn(message: string, extra?: unknown): void;
  error(message: string, extra?: unknown): void;
}

export function createLogger(level: string | undefined = process.env.SEGLAB_LOG): Logger {
  const threshold = Math.max(0, LEVELS.indexOf((level ?? 'info') as Level));
  const write = (at: Level) => (message: string, extra?: unknown) => {
    if (LEVELS.indexOf(at) < threshold) return;
    const detail = extra === undefined ? '' : ` ${extra instanceof Error ? (extra.stack ?? extra.message) : JSON.stringify(extra)}`;
    process.stderr.write(`[seglab] ${at}: ${message}${detail}\n`);
  };
  return { debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error') };
}

export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };
