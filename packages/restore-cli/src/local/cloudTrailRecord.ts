import { randomUUID } from 'node:crypto';
import {
  CLOUDTRAIL_EVENT_SOURCE,
  catalogueEntry,
  DETAIL_TYPE_BY_EVENT_TYPE,
  EVENTBRIDGE_SOURCE,
} from '@cognito-rewind/core';
import { anonymousIdentity, iamUserIdentity } from './callerIdentity.js';
import { cloudTrailShape, HIDDEN, isJsonObject, type JsonObject } from './requestParameters.js';
import { accessTokenClaims, subOfAnswer } from './userSub.js';

/** Everything the tap knows about one forwarded call. */
export interface CallFacts {
  readonly operation: string;
  /** The request body, as sent (PascalCase). */
  readonly request: JsonObject;
  readonly status: number;
  /** The answer body when it was a JSON object. */
  readonly answer: JsonObject | undefined;
  /** The sub of the named user, looked up before the call was forwarded. */
  readonly subBefore: string | undefined;
  readonly sourceIp: string;
  readonly userAgent: string | undefined;
  readonly requestId: string | undefined;
  /** The access key id the request was signed with (SigV4), when it was signed. */
  readonly accessKeyId: string | undefined;
  readonly region: string;
  readonly account: string;
  /** When the request reached Cognito: the event's time. */
  readonly now: Date;
}

/**
 * The catalogue also names hosted-UI requests (`Signup_POST`, …), which are not API operations: an
 * operation name is one PascalCase word.
 */
export const emitsEvent = (operation: string): boolean =>
  /^[A-Z][A-Za-z]+$/.test(operation) && catalogueEntry(operation) !== undefined;

/** Calls a user makes without IAM credentials: CloudTrail cannot say who made them. */
const PUBLIC_OPERATIONS = new Set([
  'SignUp',
  'ConfirmSignUp',
  'ForgotPassword',
  'ConfirmForgotPassword',
  'InitiateAuth',
  'RespondToAuthChallenge',
  'ResendConfirmationCode',
  'AssociateSoftwareToken',
  'VerifySoftwareToken',
]);

const REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;

/** CloudTrail writes whole seconds: `2025-03-14T09:00:00Z`. */
export const cloudTrailTime = (date: Date): string => date.toISOString().replace(/\.\d{3}Z$/, 'Z');

const str = (value: unknown): string | undefined =>
  typeof value === 'string' && value !== '' ? value : undefined;
const part = (value: unknown): JsonObject => (isJsonObject(value) ? value : {});

function pick(source: unknown, keys: readonly string[]): JsonObject {
  const from = part(source);
  const out: JsonObject = {};
  for (const key of keys) {
    const value = from[key];
    if (value !== undefined) out[key.charAt(0).toLowerCase() + key.slice(1)] = value;
  }
  return out;
}

/** Answers that CloudTrail logs (shaped like requests: camel case, secrets masked). */
const SHAPED_ANSWERS = new Set([
  'ForgotPassword',
  'UpdateUserAttributes',
  'RespondToAuthChallenge',
  'AdminRespondToAuthChallenge',
  'AssociateSoftwareToken',
  'VerifySoftwareToken',
]);

/**
 * What CloudTrail logs of a successful answer. Most Cognito calls log null; creations log the new
 * entity's identity, which is where capture finds a new pool's or client's id.
 */
export function responseElements(operation: string, answer: JsonObject | undefined): JsonObject | null {
  if (answer === undefined) return null;
  switch (operation) {
    case 'CreateUserPool':
      return { userPool: pick(answer.UserPool, ['Id', 'Name', 'Arn', 'MfaConfiguration']) };
    case 'CreateUserPoolClient':
      // Never the ClientSecret.
      return { userPoolClient: pick(answer.UserPoolClient, ['UserPoolId', 'ClientName', 'ClientId']) };
    case 'CreateGroup':
    case 'UpdateGroup':
      return {
        group: pick(answer.Group, ['GroupName', 'UserPoolId', 'Description', 'Precedence', 'RoleArn']),
      };
    case 'AdminCreateUser': {
      const user = part(answer.User);
      return { user: { username: HIDDEN, attributes: HIDDEN, ...pick(user, ['Enabled', 'UserStatus']) } };
    }
    case 'SignUp': {
      const shaped = part(cloudTrailShape(answer));
      return { ...pick(shaped, ['userConfirmed', 'codeDeliveryDetails']), userSub: answer.UserSub ?? null };
    }
    default: {
      if (!SHAPED_ANSWERS.has(operation) || Object.keys(answer).length === 0) return null;
      return part(cloudTrailShape(answer));
    }
  }
}

/** Where the user's sub (and, for token calls, the pool) goes; SignUp logs its sub in the answer. */
function additionalEventData(facts: CallFacts, succeeded: boolean): JsonObject | undefined {
  if (facts.operation === 'SignUp') return undefined;
  const token = accessTokenClaims(facts.request.AccessToken);
  const sub = token.sub ?? (succeeded ? subOfAnswer(facts.answer) : undefined) ?? facts.subBefore;
  if (sub === undefined) return undefined;
  // Token calls name no pool in their parameters: CloudTrail adds it here.
  return token.userPoolId !== undefined ? { sub, userPoolId: token.userPoolId } : { sub };
}

function poolIdOf(facts: CallFacts): string | undefined {
  return (
    str(facts.request.UserPoolId) ??
    str(part(facts.answer?.UserPool).Id) ??
    accessTokenClaims(facts.request.AccessToken).userPoolId
  );
}

/** Pool ids start with their region (`eu-west-1_Ab12Cd34E`); cognito-local's start with `local`. */
function regionOf(facts: CallFacts): string {
  const prefix = poolIdOf(facts)?.split('_')[0];
  return prefix !== undefined && REGION.test(prefix) ? prefix : facts.region;
}

/**
 * Public and token calls are anonymous in CloudTrail, signed or not; any other call is the IAM user
 * of the key that signed it. An unsigned admin call (AWS would refuse it; cognito-local does not)
 * names nobody either.
 */
function userIdentity(facts: CallFacts): JsonObject {
  if (PUBLIC_OPERATIONS.has(facts.operation) || facts.request.AccessToken !== undefined)
    return anonymousIdentity();
  return facts.accessKeyId === undefined
    ? anonymousIdentity()
    : iamUserIdentity(facts.accessKeyId, facts.account);
}

/** `__type` is `Name` or `namespace#Name`; CloudTrail logs the name. */
function errorOf(facts: CallFacts): JsonObject {
  const type = str(facts.answer?.__type) ?? `HTTP${facts.status}`;
  const message = str(facts.answer?.message) ?? str(facts.answer?.Message);
  return {
    errorCode: type.split('#').pop() ?? type,
    ...(message !== undefined ? { errorMessage: message } : {}),
  };
}

/** The CloudTrail record of one call, in its EventBridge envelope. */
export function cloudTrailEvent(facts: CallFacts): JsonObject {
  const succeeded = facts.status >= 200 && facts.status < 300;
  const time = cloudTrailTime(facts.now);
  const region = regionOf(facts);
  const extra = additionalEventData(facts, succeeded);
  const detail: JsonObject = {
    eventVersion: '1.08',
    userIdentity: userIdentity(facts),
    eventTime: time,
    eventSource: CLOUDTRAIL_EVENT_SOURCE,
    eventName: facts.operation,
    awsRegion: region,
    sourceIPAddress: facts.sourceIp,
    ...(facts.userAgent !== undefined ? { userAgent: facts.userAgent } : {}),
    ...(succeeded ? {} : errorOf(facts)),
    requestParameters: part(cloudTrailShape(facts.request)),
    responseElements: succeeded ? responseElements(facts.operation, facts.answer) : null,
    ...(extra !== undefined ? { additionalEventData: extra } : {}),
    requestID: facts.requestId ?? randomUUID(),
    eventID: randomUUID(),
    readOnly: false,
    eventType: 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: facts.account,
    eventCategory: 'Management',
  };
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': DETAIL_TYPE_BY_EVENT_TYPE.AwsApiCall,
    source: EVENTBRIDGE_SOURCE,
    account: facts.account,
    time,
    region,
    resources: [],
    detail,
  };
}
