import { z } from 'zod';
import { InvalidInputError } from '../../errors.js';
import { describeIssue, entityKeySchema, jsonObjectSchema } from '../../model/schemaParts.js';
import type { ActionInputs, RestoreActionKind, RestorePlan } from './restorePlan.js';

/** A Cognito request as plain data whose named members have these types (the rest passes through). */
const request = <T extends z.ZodRawShape>(shape: T) => z.intersection(jsonObjectSchema, z.object(shape));

const strings = z.record(z.string(), z.string());
const username = { Username: z.string() };
const factor = z.object({ enabled: z.boolean(), preferred: z.boolean() });

/**
 * The input each kind of action must have: what `runAction` hands its writer. Typed against
 * `ActionInputs`, so a kind added there does not compile until it has a schema here.
 */
const INPUTS: { [K in RestoreActionKind]: z.ZodType<ActionInputs[K]> } = {
  updatePool: request({ UserPoolTags: jsonObjectSchema.optional() }),
  setMfaConfig: jsonObjectSchema,
  createGroup: request({ GroupName: z.string() }),
  updateGroup: request({ GroupName: z.string() }),
  deleteGroup: z.object({ GroupName: z.string() }),
  createUser: z.object({ ...username, UserAttributes: strings, notify: z.boolean() }),
  updateUserAttributes: z.object({ ...username, UserAttributes: strings }),
  deleteUserAttributes: z.object({ ...username, UserAttributeNames: z.array(z.string()) }),
  enableUser: z.object(username),
  disableUser: z.object(username),
  setUserMfa: z.object({ ...username, sms: factor, email: factor }),
  deleteUser: z.object(username),
  replaceUser: z.object({ ...username, Sub: z.string() }),
  adoptUser: z.object({ ...username, Sub: z.string() }),
  addToGroup: z.object({ ...username, GroupName: z.string() }),
  removeFromGroup: z.object({ ...username, GroupName: z.string() }),
  linkProvider: z.object({
    ...username,
    ProviderName: z.string(),
    ProviderAttributeName: z.string(),
    ProviderAttributeValue: z.string(),
  }),
  createClient: request({ GenerateSecret: z.boolean() }),
  updateClient: request({ ClientId: z.string() }),
  deleteClient: z.object({ ClientId: z.string() }),
  createIdentityProvider: request({ ProviderName: z.string() }),
  updateIdentityProvider: request({ ProviderName: z.string(), ProviderDetails: jsonObjectSchema.optional() }),
  deleteIdentityProvider: z.object({ ProviderName: z.string() }),
  createResourceServer: request({ Identifier: z.string() }),
  updateResourceServer: request({ Identifier: z.string() }),
  deleteResourceServer: z.object({ Identifier: z.string() }),
  createDomain: request({ Domain: z.string() }),
  deleteDomain: z.object({ Domain: z.string() }),
  setUiCustomization: request({ ClientId: z.string(), CSS: z.string() }),
  setRiskConfiguration: jsonObjectSchema,
  tagPool: z.object({ Tags: strings }),
  untagPool: z.object({ TagKeys: z.array(z.string()) }),
};

const KINDS = Object.keys(INPUTS) as [RestoreActionKind, ...RestoreActionKind[]];

const fieldChange = z.object({
  field: z.string(),
  before: z.unknown().optional(),
  after: z.unknown().optional(),
});

/** What every action has, whatever its kind; the input is checked against its kind's schema after. */
const actionFrame = z.object({
  id: z.string(),
  kind: z.enum(KINDS),
  entity: entityKeySchema,
  changes: z.array(fieldChange),
  reason: z.string(),
  input: z.unknown(),
});

/**
 * Why `value` is not a restore action of a known kind whose input is what that kind's call takes, or
 * undefined when it is one. Only checks: the action itself is used as given.
 */
export function restoreActionProblem(value: unknown): string | undefined {
  const frame = actionFrame.safeParse(value);
  if (!frame.success) return describeIssue(frame.error);
  const input = INPUTS[frame.data.kind].safeParse(frame.data.input);
  return input.success ? undefined : `input of ${frame.data.kind}: ${describeIssue(input.error)}`;
}

/**
 * Refuses a plan with an action that is not what its kind says (a plan read from a file, or built by
 * hand), before anything is changed: apply runs only actions whose input its calls take.
 */
export function checkRestorePlan(plan: RestorePlan): void {
  for (const task of plan.tasks)
    for (const action of task.actions) {
      const problem = restoreActionProblem(action);
      if (problem !== undefined)
        throw new InvalidInputError(
          `restore plan action ${JSON.stringify(action.id)} is not valid: ${problem}; nothing was changed`,
        );
    }
}
