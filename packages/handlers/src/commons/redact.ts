/**
 * What handlers log must not name a person: usernames are often emails, and a log group is read by
 * more people, and kept longer, than the pool. Core's messages name entities (`user:<username>`,
 * `/users/<username>`, the table item `R#<pool>#user:<username>`) and may quote emails; these helpers
 * keep the kind of entity, which is what a reader needs, and drop the name. Cognito's usernames hold
 * no whitespace, so a name runs to the next space.
 */

const USER_KEY = /\buser:\S+/g;
const USER_POINTER = /\/users\/\S+/g;
const EMAIL = /[^\s@,;:()<>"'`[\]{}]+@[^\s@,;:()<>"'`[\]{}]+\.[^\s@,;:()<>"'`[\]{}]+/g;

/** `entity user:alice@example.com is gone` → `entity user:… is gone`; other emails → `…@…`. */
export function redactText(text: string): string {
  return text.replace(USER_KEY, 'user:…').replace(USER_POINTER, '/users/…').replace(EMAIL, '…@…');
}

/** The message of anything thrown, redacted: for a log line or a result. */
export const redactedReason = (error: unknown): string =>
  redactText(error instanceof Error ? error.message : String(error));

/** An error as a log line's field: name, message, stack and cause, each redacted. */
export interface RedactedError {
  name: string;
  message: string;
  stack?: string;
  cause?: RedactedError | string;
}

/**
 * An error fit for a log line. Powertools would log an `Error` with every own property (an error's
 * `entity`, say) and its cause's message unredacted: this keeps name, message, stack and cause only,
 * each redacted, the cause chain to a few levels.
 */
export function redactedError(error: unknown, depth = 3): RedactedError {
  if (!(error instanceof Error)) return { name: 'Error', message: redactText(String(error)) };
  const { cause } = error;
  return {
    name: error.name,
    message: redactText(error.message),
    ...(error.stack === undefined ? {} : { stack: redactText(error.stack) }),
    ...(cause === undefined || depth <= 1
      ? {}
      : { cause: cause instanceof Error ? redactedError(cause, depth - 1) : redactText(String(cause)) }),
  };
}
