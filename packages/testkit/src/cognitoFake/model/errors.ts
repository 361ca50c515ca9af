/** An error the fake answers with: Cognito's `__type`, its message, and the HTTP status. */
export class FakeCognitoError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
    this.name = type;
  }
}

export const invalidParameter = (message: string) =>
  new FakeCognitoError('InvalidParameterException', message);

export const resourceNotFound = (message: string) =>
  new FakeCognitoError('ResourceNotFoundException', message);

export const userNotFound = () => new FakeCognitoError('UserNotFoundException', 'User does not exist.');

export const poolNotFound = (poolId: string) => resourceNotFound(`User pool ${poolId} does not exist.`);

export const groupNotFound = () => resourceNotFound('Group not found.');

/** AWS's wording for a request field that breaks its declared constraints. */
export const validation = (field: string, value: unknown, constraint: string) =>
  invalidParameter(
    `1 validation error detected: Value '${String(value)}' at '${field}' failed to satisfy constraint: ${constraint}`,
  );
