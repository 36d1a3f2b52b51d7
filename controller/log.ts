import { Writable } from 'node:stream';
import { pino, type Logger, type LevelWithSilent } from 'pino';

export type LogFormat = 'json' | 'text';
export type { Logger };

const LEVEL_NAMES: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };
const SKIPPED_KEYS = new Set(['level', 'time', 'msg', 'pid', 'hostname', 'diff']);

/**
 * Formats one pino JSON line for people reading `kubectl logs`: `time LEVEL msg key=value…`, with a
 * configuration diff printed as-is on the following lines so it reads like `git diff`.
 */
export function formatText(line: string): string {
  const record = JSON.parse(line) as Record<string, unknown>;
  const time = new Date(Number(record.time)).toISOString();
  const level = LEVEL_NAMES[Number(record.level)] ?? String(record.level);
  const fields = Object.entries(record)
    .filter(([key]) => !SKIPPED_KEYS.has(key))
    .map(([key, value]) => `${key}=${JSON.stringify(value)}`);
  const head = [time, level.padEnd(5), String(record.msg ?? ''), ...fields].join(' ');
  return typeof record.diff === 'string' ? `${head}\n${record.diff.trimEnd()}\n` : `${head}\n`;
}

function textStream(out: NodeJS.WritableStream): Writable {
  return new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (line) out.write(formatText(line));
      }
      done();
    },
  });
}

/** The process-wide logger; stages take child loggers (`log.child({ stage: 'apply' })`). */
export function createLogger(level: LevelWithSilent, format: LogFormat, out: NodeJS.WritableStream = process.stdout): Logger {
  const destination = format === 'text' ? textStream(out) : out;
  return pino({ level, base: undefined, timestamp: pino.stdTimeFunctions.epochTime }, destination);
}
