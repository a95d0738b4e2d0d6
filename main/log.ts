/**
 * The one logger of the Node side: levels, structured fields, JSON or text lines on stderr.
 * Fields whose name looks like a credential are masked before anything is written.
 */

/** Log levels in increasing severity. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

const LEVEL_RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

const SECRET_FIELD = /secret|token|password|authorization|cookie|key_data|private_key|code$/i;

/** Structured fields of a log line. */
export type LogFields = Record<string, unknown>;

/** Where log lines go; tests and the CLI replace it. */
export interface LogSink {
  write(line: string): void;
}

/** A logger bound to a component name. */
export interface Logger {
  debug(event: string, fields?: LogFields): void;
  info(event: string, fields?: LogFields): void;
  warn(event: string, fields?: LogFields): void;
  error(event: string, fields?: LogFields): void;
  child(component: string): Logger;
}

interface LoggerSettings {
  level: LogLevel;
  format: 'text' | 'json';
  sink: LogSink;
}

const settings: LoggerSettings = {
  level: parseLevel(process.env.STAGECRAFT_LOG_LEVEL) ?? 'warn',
  format: process.env.STAGECRAFT_LOG_FORMAT === 'json' ? 'json' : 'text',
  sink: { write: (line) => process.stderr.write(line + '\n') },
};

/** Reads a level name such as `STAGECRAFT_LOG_LEVEL`; undefined for a missing or unknown name. */
export function parseLevel(value: string | undefined): LogLevel | undefined {
  if (value === undefined) {
    return undefined;
  }

  return value in LEVEL_RANK ? (value as LogLevel) : undefined;
}

/** Changes the minimum level, the output format or the sink of every logger. */
export function configureLogging(change: Partial<LoggerSettings>): void {
  Object.assign(settings, change);
}

/** Replaces values of credential-like fields, recursively, so that no secret reaches a log. */
export function maskSecrets(value: unknown, depth = 0): unknown {
  if (depth > 6 || value === null || typeof value !== 'object') {
    return value;
  }

  if (Array.isArray(value)) {
    return value.map((item) => maskSecrets(item, depth + 1));
  }

  if (value instanceof Error) {
    return { name: value.name, message: value.message };
  }

  const masked: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value)) {
    masked[key] = SECRET_FIELD.test(key) && field !== null ? '***' : maskSecrets(field, depth + 1);
  }

  return masked;
}

function formatText(level: LogLevel, component: string, event: string, fields: LogFields): string {
  const parts = Object.entries(fields).map(([key, value]) => `${key}=${JSON.stringify(value)}`);

  return [`${level.toUpperCase()}`, `[${component}]`, event, ...parts].join(' ');
}

/** Creates a logger for a component such as `cli`, `project` or `simulator`. */
export function createLogger(component: string): Logger {
  const emit = (level: LogLevel, event: string, fields: LogFields = {}): void => {
    if (LEVEL_RANK[level] < LEVEL_RANK[settings.level]) {
      return;
    }

    const safeFields = maskSecrets(fields) as LogFields;
    const line =
      settings.format === 'json'
        ? JSON.stringify({ time: new Date().toISOString(), level, component, event, ...safeFields })
        : formatText(level, component, event, safeFields);
    settings.sink.write(line);
  };

  return {
    debug: (event, fields) => emit('debug', event, fields),
    info: (event, fields) => emit('info', event, fields),
    warn: (event, fields) => emit('warn', event, fields),
    error: (event, fields) => emit('error', event, fields),
    child: (name) => createLogger(`${component}.${name}`),
  };
}
