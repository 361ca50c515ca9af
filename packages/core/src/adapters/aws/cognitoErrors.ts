/**
 * How the adapter reads the errors the SDK hands back. Kept apart from the reader so the retry
 * strategy and the error mapping agree on what "unsupported" and "unreachable" mean.
 */

interface ErrorShape {
  name?: unknown;
  code?: unknown;
  message?: unknown;
  cause?: unknown;
  errors?: unknown;
  $metadata?: { httpStatusCode?: number; attempts?: number };
}

const shape = (error: unknown): ErrorShape | undefined =>
  typeof error === 'object' && error !== null ? (error as ErrorShape) : undefined;

/**
 * Answers meaning "this endpoint does not implement the operation". cognito-local answers HTTP 500
 * `CognitoLocal#Unsupported` (the SDK names it `Unsupported`); AWS-style services answer
 * `UnknownOperationException` or `InvalidAction`.
 */
const UNSUPPORTED_NAMES = new Set([
  'Unsupported',
  'UnsupportedOperation',
  'UnsupportedOperationException',
  'UnknownOperationException',
  'UnknownOperation',
  'InvalidAction',
  'NotImplemented',
  'NotImplementedException',
]);

export function isUnsupportedError(error: unknown): boolean {
  const e = shape(error);
  if (e === undefined) return false;
  if (typeof e.name === 'string' && UNSUPPORTED_NAMES.has(e.name)) return true;
  const status = e.$metadata?.httpStatusCode;
  const message = typeof e.message === 'string' ? e.message : '';
  return (status === 500 || status === 501) && /unsupported|not implemented/i.test(message);
}

/** Socket-level failures: nothing answered at all (no HTTP status). */
const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ETIMEDOUT',
  'EPIPE',
]);

/** Of those, the ones that mean "nobody is there": retrying will not help, so fail at once. */
const NOBODY_THERE_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND']);

function socketCodes(error: unknown, depth = 0): string[] {
  const e = shape(error);
  if (e === undefined || depth > 5) return [];
  const codes = typeof e.code === 'string' ? [e.code] : [];
  // Node reports a failed multi-address connect as an AggregateError of per-address errors.
  const nested = Array.isArray(e.errors) ? e.errors : [];
  return [...codes, ...socketCodes(e.cause, depth + 1), ...nested.flatMap((n) => socketCodes(n, depth + 1))];
}

const answered = (error: unknown): boolean => shape(error)?.$metadata?.httpStatusCode !== undefined;

export function isUnreachableError(error: unknown): boolean {
  if (answered(error)) return false;
  if (shape(error)?.name === 'TimeoutError') return true;
  return socketCodes(error).some((code) => UNREACHABLE_CODES.has(code));
}

export function isNobodyThereError(error: unknown): boolean {
  return !answered(error) && socketCodes(error).some((code) => NOBODY_THERE_CODES.has(code));
}

const THROTTLING_NAMES = new Set([
  'TooManyRequestsException',
  'ThrottlingException',
  'LimitExceededException',
]);

export function isThrottlingError(error: unknown): boolean {
  const e = shape(error);
  return (
    e !== undefined &&
    ((typeof e.name === 'string' && THROTTLING_NAMES.has(e.name)) || e.$metadata?.httpStatusCode === 429)
  );
}

export const errorName = (error: unknown): string | undefined => {
  const name = shape(error)?.name;
  return typeof name === 'string' ? name : undefined;
};

export const attemptsOf = (error: unknown): number => shape(error)?.$metadata?.attempts ?? 1;
