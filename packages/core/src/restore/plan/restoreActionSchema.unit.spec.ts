import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../errors.js';
import { action } from './planContext.js';
import { checkRestorePlan, restoreActionProblem } from './restoreActionSchema.js';
import type { RestoreAction, RestorePlan } from './restorePlan.js';

const planOf = (...actions: unknown[]): RestorePlan =>
  JSON.parse(
    JSON.stringify({
      sourcePoolId: 'eu-west-1_A',
      targetPoolId: 'eu-west-1_A',
      at: '2024-06-01T10:00:00.000Z',
      mode: 'undo',
      tasks: [
        {
          entity: 'user:ann',
          liveEntity: 'user:ann',
          phase: 'users',
          expected: null,
          desired: null,
          actions,
        },
      ],
      kept: [],
      notes: [],
    }),
  );

const joinTeam = action('addToGroup', 'user:ann', { Username: 'ann', GroupName: 'team' }, 'in team at T');

describe('restore actions: each kind with its input', () => {
  it('takes what the planner builds, as it is printed and read back as JSON', () => {
    const actions: RestoreAction[] = [
      action(
        'createUser',
        'user:ann',
        { Username: 'ann', UserAttributes: { email: 'a@x' }, notify: false },
        'gone',
      ),
      joinTeam,
      action('createGroup', 'group:team', { GroupName: 'team', Precedence: 2 }, 'gone'),
      action('setUiCustomization', 'ui:ALL', { ClientId: 'ALL', CSS: '.x{}' }, 'changed'),
      action('tagPool', 'tags', { Tags: { env: 'prod' } }, 'changed'),
    ];
    for (const a of JSON.parse(JSON.stringify(actions)) as unknown[])
      expect(restoreActionProblem(a)).toBeUndefined();
    expect(() => checkRestorePlan(planOf(...actions))).not.toThrow();
  });

  it('refuses an input that is not what its kind takes, naming the action and the member', () => {
    const bad = { ...joinTeam, input: { Username: 'ann', GroupName: 42 } };
    expect(restoreActionProblem(bad)).toMatch(/^input of addToGroup: GroupName: /);
    expect(() => checkRestorePlan(planOf(bad))).toThrow(InvalidInputError);
    expect(() => checkRestorePlan(planOf(bad))).toThrow(
      /restore plan action "addToGroup user:ann" is not valid: input of addToGroup: GroupName: .*nothing was changed/,
    );
  });

  it('refuses the input of another kind, and a kind it does not know', () => {
    const swapped = { ...joinTeam, kind: 'tagPool' };
    expect(restoreActionProblem(swapped)).toMatch(/^input of tagPool: Tags: /);
    expect(restoreActionProblem({ ...joinTeam, kind: 'dropPool' })).toMatch(/^kind: /);
    expect(restoreActionProblem({ ...joinTeam, input: undefined })).toMatch(/^input of addToGroup: /);
  });
});
