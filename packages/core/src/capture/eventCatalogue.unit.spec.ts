import * as cognito from '@aws-sdk/client-cognito-identity-provider';
import { describe, expect, it } from 'vitest';
import { SINGLETON_KINDS } from '../model/entityKey.js';
import { CATALOGUED_EVENT_NAMES, EVENT_CATALOGUE, SUB_PATHS } from './eventCatalogue.js';
import { UNCAPTURED_EVENTS } from './uncapturedEvents.js';

/** Every operation of the Cognito user pools API the SDK knows, by name. */
const sdkOperations = Object.keys(cognito)
  .filter((name) => /^[A-Z]\w+Command$/.test(name))
  .map((name) => name.slice(0, -'Command'.length))
  .sort();

/** Operations that only read; everything else must be a decision, in one table or the other. */
const READ_ONLY = /^(Admin)?(Describe|Get|List)/;

describe('the event catalogue', () => {
  it('decides every state-changing operation of the SDK: catalogued, or uncaptured with a reason', () => {
    expect(sdkOperations.length).toBeGreaterThan(100);
    const undecided = sdkOperations.filter(
      (op) =>
        !READ_ONLY.test(op) && !Object.hasOwn(EVENT_CATALOGUE, op) && !Object.hasOwn(UNCAPTURED_EVENTS, op),
    );
    expect(undecided).toEqual([]);
  });

  it('names only operations the SDK knows, or hosted-UI requests (Name_GET / Name_POST)', () => {
    const unknown = [...Object.keys(EVENT_CATALOGUE), ...Object.keys(UNCAPTURED_EVENTS)].filter(
      (name) =>
        !sdkOperations.includes(name) &&
        !/_(GET|POST)$/.test(name) &&
        !['Logout', 'CognitoAuthentication'].includes(name),
    );
    expect(unknown).toEqual([]);
  });

  it('catalogues no read-only operation, and nothing twice', () => {
    expect(CATALOGUED_EVENT_NAMES.filter((name) => READ_ONLY.test(name))).toEqual([]);
    expect(CATALOGUED_EVENT_NAMES.filter((name) => Object.hasOwn(UNCAPTURED_EVENTS, name))).toEqual([]);
  });

  it('gives every event at least one touch, each well-formed', () => {
    for (const [name, touches] of Object.entries(EVENT_CATALOGUE)) {
      expect(touches.length, name).toBeGreaterThan(0);
      for (const touch of touches) {
        if ('from' in touch)
          expect(touch.from, name).toMatch(/^(requestParameters|responseElements|additionalEventData)\.\w/);
        if (!('from' in touch) && !('by' in touch))
          expect([...SINGLETON_KINDS, 'everyUi', 'wholePool'], name).toContain(touch.kind);
      }
    }
  });

  it('finds users by sub only, never by a username or user attribute (masked, or an alias)', () => {
    expect(SUB_PATHS.some((path) => path.startsWith('requestParameters.'))).toBe(false);
    const byUsername = Object.values(EVENT_CATALOGUE)
      .flat()
      .filter(
        (touch) => 'from' in touch && /\.(username|user_name|userAttributes|user)(\.|$)/i.test(touch.from),
      );
    expect(byUsername).toEqual([]);
  });

  it('ends every chain only when the pool is deleted', () => {
    const ending = Object.entries(EVENT_CATALOGUE)
      .filter(([, touches]) => touches.some((touch) => touch.kind === 'wholePool' && touch.end === true))
      .map(([name]) => name);
    expect(ending).toEqual(['DeleteUserPool']);
  });
});
