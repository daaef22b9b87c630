/**
 * The service log: pino JSON lines. Secrets never reach it: authorization headers, passwords, tokens
 * and whole specs are redacted by path (and the code logs neither specs nor request bodies).
 */
import { pino, type DestinationStream, type Logger } from 'pino';

/** Paths pino censors wherever they occur in a log line's object. */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  'password',
  'passwordHash',
  'refreshToken',
  'accessToken',
  'token',
  'secrets',
  'spec',
  'body',
  '*.password',
  '*.passwordHash',
  '*.refreshToken',
  '*.accessToken',
  '*.token',
  '*.secrets',
  '*.spec',
  '*.body',
  '*.*.password',
];

export function createLogger(level: string, destination?: DestinationStream): Logger {
  const options = {
    level,
    base: { service: 'jivs' },
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  return destination ? pino(options, destination) : pino(options);
}
