import { CATALOGUED_EVENT_NAMES, DEPLOYMENT_OUTPUTS, EVENT_PATTERN_MAX_CHARS } from '@cognito-rewind/core';
import { COGNITO_READ_ACTIONS, COGNITO_WRITE_ACTIONS } from '@cognito-rewind/core/adapters/aws';
import { FUNCTION_PERMISSIONS } from '@cognito-rewind/handlers';
import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { describe, expect, inject, it } from 'vitest';
import { CognitoRewind, parseRewindConfig, REWIND_PERMISSIONS } from '../src/index.js';
import { FULL, MINIMAL, synth } from './synth.testing.js';

type Resource = { Type: string; Properties: Record<string, unknown> };
type Statement = { Effect: string; Action: string | string[]; Resource: unknown; Condition?: unknown };

const of = (template: Template, type: string) =>
  Object.entries(template.findResources(type) as Record<string, Resource>);
const actionsOf = (statement: Statement): string[] =>
  Array.isArray(statement.Action) ? statement.Action : [statement.Action];

/** Every statement of every policy attached to a role, inline or managed, by the role's logical id. */
function roleStatements(template: Template): Map<string, Statement[]> {
  const byRole = new Map<string, Statement[]>();
  const add = (role: string, statements: Statement[]) =>
    byRole.set(role, [...(byRole.get(role) ?? []), ...statements]);
  for (const [id, role] of of(template, 'AWS::IAM::Role')) {
    add(id, []);
    for (const policy of (role.Properties.Policies as { PolicyDocument: { Statement: Statement[] } }[]) ?? [])
      add(id, policy.PolicyDocument.Statement);
  }
  for (const [, policy] of of(template, 'AWS::IAM::Policy'))
    for (const role of policy.Properties.Roles as { Ref: string }[])
      add(role.Ref, (policy.Properties.PolicyDocument as { Statement: Statement[] }).Statement);
  return byRole;
}

const functionNamed = (template: Template, name: string): [string, Resource] => {
  const found = of(template, 'AWS::Lambda::Function').filter(
    ([, fn]) => fn.Properties.Description === `Cognito Rewind ${name}`,
  );
  expect(found).toHaveLength(1);
  return found[0] as [string, Resource];
};

/** The rules that deliver Cognito's events to capture (not the schedules, not the burst alarm's). */
const captureRules = (template: Template) =>
  of(template, 'AWS::Events::Rule').filter(([, rule]) =>
    JSON.stringify((rule.Properties.EventPattern as { source?: unknown } | undefined)?.source ?? []).includes(
      'aws.cognito-idp',
    ),
  );

/** A function's declared actions, every service. */
const declaredActions = (declared: (typeof FUNCTION_PERMISSIONS)[keyof typeof FUNCTION_PERMISSIONS]) => [
  ...declared.cognito,
  ...declared.dynamodb,
  ...declared.s3,
  ...('events' in declared ? declared.events : []),
];

describe('the functions stack', () => {
  const minimal = synth(MINIMAL);
  const full = synth(FULL);

  describe('capture', () => {
    it("delivers exactly the catalogue's event names, split into rules that fit the pattern quota, for the configured pools", () => {
      const rules = captureRules(minimal.app);
      const names = rules.flatMap(
        ([, rule]) => (rule.Properties.EventPattern as { detail: { eventName: string[] } }).detail.eventName,
      );
      expect(names.sort()).toEqual([...CATALOGUED_EVENT_NAMES].sort());
      expect(new Set(names).size).toBe(names.length);
      for (const [, rule] of rules) {
        const pattern = rule.Properties.EventPattern as Record<string, unknown> & {
          detail: Record<string, unknown>;
        };
        expect(JSON.stringify(pattern).length).toBeLessThanOrEqual(EVENT_PATTERN_MAX_CHARS);
        expect(pattern.source).toEqual(['aws.cognito-idp']);
        expect(pattern.detail.$or).toEqual([
          { requestParameters: { userPoolId: MINIMAL.pools } },
          { requestParameters: { userPoolId: [{ exists: false }] } },
        ]);
        expect(rule.Properties.Targets).toEqual([
          expect.objectContaining({
            DeadLetterConfig: expect.anything(),
            RetryPolicy: { MaximumEventAgeInSeconds: 86_400, MaximumRetryAttempts: 185 },
          }),
        ]);
      }
    });

    it('queues events with a dead-letter queue, both encrypted and TLS-only', () => {
      const queues = of(minimal.app, 'AWS::SQS::Queue');
      expect(queues).toHaveLength(2);
      minimal.app.hasResourceProperties('AWS::SQS::Queue', {
        SqsManagedSseEnabled: true,
        VisibilityTimeout: 360,
        RedrivePolicy: { deadLetterTargetArn: Match.anyValue(), maxReceiveCount: 5 },
      });
      for (const [, queue] of queues) expect(queue.Properties.SqsManagedSseEnabled).toBe(true);
      const policies = JSON.stringify(minimal.app.findResources('AWS::SQS::QueuePolicy'));
      expect(policies).toContain('aws:SecureTransport');
    });

    it('reports batch failures record by record, paced for the read quotas', () => {
      minimal.app.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
        BatchSize: 10,
        MaximumBatchingWindowInSeconds: 5,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        ScalingConfig: { MaximumConcurrency: 3 },
      });
    });

    it('archives the matched events for a replay, for the retention configured', () => {
      const archives = of(minimal.app, 'AWS::Events::Archive');
      const rules = captureRules(minimal.app);
      expect(archives).toHaveLength(rules.length);
      for (const [, archive] of archives) expect(archive.Properties.RetentionDays).toBe(35);
      expect(archives.map(([, a]) => a.Properties.EventPattern).sort()).toEqual(
        rules.map(([, r]) => r.Properties.EventPattern).sort(),
      );
    });

    it('creates a multi-Region trail of write events with validated logs, or none when an existing one is named', () => {
      minimal.app.hasResourceProperties('AWS::CloudTrail::Trail', {
        IsMultiRegionTrail: true,
        IsLogging: true,
        EnableLogFileValidation: true,
        EventSelectors: [Match.objectLike({ IncludeManagementEvents: true, ReadWriteType: 'WriteOnly' })],
      });
      full.app.resourceCountIs('AWS::CloudTrail::Trail', 0);
    });
  });

  it('runs four functions on Node.js 22, arm64, with the store named in their environment', () => {
    for (const name of ['capture', 'snapshot', 'archive', 'reconcile']) {
      const [, fn] = functionNamed(full.app, name);
      expect(fn.Properties).toMatchObject({
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        Handler: 'index.handler',
        Environment: {
          Variables: expect.objectContaining({
            REWIND_BUCKET: 'rewind-123456789012-eu-west-1',
            REWIND_TABLE: 'Rewind-change-log',
            REWIND_PREFIX: 'backups/prod',
            REWIND_KMS_KEY_ID: FULL.kmsKeyArn,
            REWIND_POOL_IDS: FULL.pools.join(','),
            REWIND_PERSONAL_DATA_RETENTION_DAYS: '90',
            POWERTOOLS_SERVICE_NAME: `cognito-rewind-${name}`,
          }),
        },
      });
    }
  });

  it('schedules snapshot hourly, archive every 15 minutes and reconcile every 5, one run at a time each', () => {
    const schedules = of(minimal.app, 'AWS::Events::Rule').filter(
      ([, rule]) => rule.Properties.ScheduleExpression !== undefined,
    );
    const byTarget = Object.fromEntries(
      schedules.map(([, rule]) => {
        const target = (rule.Properties.Targets as { Arn: { 'Fn::GetAtt': string[] } }[])[0]?.Arn[
          'Fn::GetAtt'
        ][0];
        return [target, rule.Properties.ScheduleExpression];
      }),
    );
    for (const [name, rate] of [
      ['snapshot', 'rate(1 hour)'],
      ['archive', 'rate(15 minutes)'],
      ['reconcile', 'rate(5 minutes)'],
    ] as const) {
      const [id, fn] = functionNamed(minimal.app, name);
      expect(byTarget[id]).toBe(rate);
      expect(fn.Properties.ReservedConcurrentExecutions).toBe(1);
      expect(fn.Properties.Timeout).toBeGreaterThanOrEqual(600);
    }
    const [, reconcile] = functionNamed(minimal.app, 'reconcile');
    expect(reconcile.Properties.Environment).toMatchObject({
      Variables: { REWIND_RECONCILE_EVERY_HOURS: '24' },
    });
  });

  describe('least privilege', () => {
    for (const [label, synthesized] of [
      ['minimal', minimal],
      ['full', full],
    ] as const) {
      it(`grants no "*" action in any stack (${label})`, () => {
        for (const template of [
          synthesized.store,
          synthesized.app,
          ...(synthesized.replica ? [synthesized.replica] : []),
        ])
          for (const [, statements] of roleStatements(template))
            for (const statement of statements)
              for (const action of actionsOf(statement)) expect(action).not.toMatch(/^\*$|:\*$/);
      });

      it(`lets no role but the restore role write to Cognito (${label})`, () => {
        const writes = new Set<string>(COGNITO_WRITE_ACTIONS);
        const [restoreId] = of(synthesized.app, 'AWS::IAM::Role').find(([, role]) =>
          String(role.Properties.Description).includes('to restore'),
        ) as [string, Resource];
        for (const [role, statements] of roleStatements(synthesized.app)) {
          const cognitoWrites = statements.flatMap(actionsOf).filter((action) => writes.has(action));
          if (role === restoreId) expect(cognitoWrites.length).toBeGreaterThan(0);
          else expect(cognitoWrites).toEqual([]);
        }
      });
    }

    it("gives each function exactly its declared actions, Cognito's reads on the configured pools only", () => {
      const reads = new Set<string>(COGNITO_READ_ACTIONS);
      const statements = roleStatements(minimal.app);
      for (const [name, declared] of Object.entries(FUNCTION_PERMISSIONS)) {
        const [id, fn] = functionNamed(minimal.app, name);
        const role = (fn.Properties.Role as { 'Fn::GetAtt': string[] })['Fn::GetAtt'][0] as string;
        // Besides its declared list: its own log group, and (capture) the queue its event source reads.
        const granted = (statements.get(role) ?? []).filter(
          (s) => !actionsOf(s).some((a) => a.startsWith('logs:') || a.startsWith('sqs:')),
        );
        const actions = granted.flatMap(actionsOf);
        expect(new Set(actions), `${name} (${id})`).toEqual(new Set(declaredActions(declared)));
        for (const statement of granted.filter((s) =>
          actionsOf(s).some((a) => a.startsWith('cognito-idp:')),
        )) {
          for (const action of actionsOf(statement)) expect(reads.has(action), action).toBe(true);
          if (actionsOf(statement).includes('cognito-idp:DescribeUserPoolDomain'))
            expect(actionsOf(statement)).toEqual(['cognito-idp:DescribeUserPoolDomain']);
          else expect(JSON.stringify(statement.Resource)).toContain(':userpool/eu-west-1_AAAAAAAAA');
        }
      }
    });

    it("lets capture put events on the account's default bus only (the burst alarm)", () => {
      const statements = [...roleStatements(minimal.app).values()].flat();
      const puts = statements.filter((s) => actionsOf(s).includes('events:PutEvents'));
      expect(puts).toHaveLength(1);
      expect(actionsOf(puts[0] as Statement)).toEqual(['events:PutEvents']);
      expect(JSON.stringify(puts[0]?.Resource)).toMatch(/:event-bus\/default"/);
    });

    it('lets an operator assume the restore role only with MFA, its Cognito writes on the configured pools', () => {
      const [, role] = of(minimal.app, 'AWS::IAM::Role').find(([, r]) =>
        String(r.Properties.Description).includes('to restore'),
      ) as [string, Resource];
      expect(JSON.stringify(role.Properties.AssumeRolePolicyDocument)).toContain(
        '"aws:MultiFactorAuthPresent":"true"',
      );
      expect(role.Properties.MaxSessionDuration).toBe(4 * 3600);
      const statements = [...roleStatements(minimal.app).values()].flat();
      const writes = statements.filter((s) => actionsOf(s).includes('cognito-idp:AdminCreateUser'));
      expect(writes).toHaveLength(1);
      expect(JSON.stringify(writes[0]?.Resource)).toContain(':userpool/eu-west-1_AAAAAAAAA');
      expect(statements.flatMap(actionsOf)).not.toContain('cognito-idp:CreateUserPool');
      // allowCreatePool: the role may create a pool, and write to any pool of the region.
      const widened = JSON.stringify(full.app.findResources('AWS::IAM::Policy'));
      expect(widened).toContain('cognito-idp:CreateUserPool');
      expect(widened).toContain(':userpool/*');
      expect(JSON.stringify(full.app.findResources('AWS::IAM::Role'))).toContain(
        'arn:aws:iam::123456789012:role/BreakGlass',
      );
    });
  });

  describe('watching it', () => {
    const alarmNames = (template: Template) =>
      of(template, 'AWS::CloudWatch::Alarm').map(([, alarm]) => alarm.Properties.AlarmName as string);

    it('alarms on errors, dead letters, capture lag, and per pool on snapshots, silence and drift — each to the topic', () => {
      const names = alarmNames(full.app);
      for (const fn of ['capture', 'snapshot', 'archive', 'reconcile'])
        expect(names).toContain(`Rewind-${fn}-errors`);
      for (const fn of ['snapshot', 'archive', 'reconcile'])
        expect(names).toContain(`Rewind-${fn}-pool-failures`);
      for (const name of ['dead-letters', 'capture-lag', 'replication-lag', 'replication-failed'])
        expect(names).toContain(`Rewind-${name}`);
      for (const pool of FULL.pools)
        for (const kind of ['snapshot-behind', 'no-changes', 'drift'])
          expect(names).toContain(`Rewind-${kind}-${pool}`);
      for (const [, alarm] of of(full.app, 'AWS::CloudWatch::Alarm')) {
        expect(alarm.Properties.AlarmActions).toHaveLength(1);
        expect(String(alarm.Properties.AlarmDescription).length).toBeGreaterThan(20);
      }
      expect(alarmNames(minimal.app).filter((name) => name.includes('replication'))).toEqual([]);
      full.app.hasResourceProperties('AWS::SNS::Subscription', {
        Protocol: 'email',
        Endpoint: 'oncall@example.com',
      });
      minimal.app.resourceCountIs('AWS::SNS::Subscription', 0);
      full.app.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    });

    it('measures capture lag by the age of the oldest queued event, and snapshots per pool under the handlers’ dimensions', () => {
      full.app.hasResourceProperties('AWS::CloudWatch::Alarm', {
        AlarmName: 'Rewind-capture-lag',
        MetricName: 'ApproximateAgeOfOldestMessage',
        Threshold: 900,
      });
      const [, behind] = of(full.app, 'AWS::CloudWatch::Alarm').find(
        ([, alarm]) => alarm.Properties.AlarmName === `Rewind-snapshot-behind-${FULL.pools[0]}`,
      ) as [string, Resource];
      expect(behind.Properties).toMatchObject({ Threshold: 3 * 3600, TreatMissingData: 'breaching' });
      const metrics = JSON.stringify(behind.Properties.Metrics);
      for (const part of [
        'SnapshotAgeSeconds',
        'LastChangeAgeSeconds',
        'CognitoRewind',
        'cognito-rewind-snapshot',
        FULL.pools[0],
      ])
        expect(metrics).toContain(part);
      full.app.hasResourceProperties('AWS::CloudWatch::Alarm', {
        AlarmName: 'Rewind-replication-lag',
        Namespace: 'AWS/S3',
        MetricName: 'ReplicationLatency',
        Dimensions: Match.arrayWith([{ Name: 'RuleId', Value: 'backup-to-dr' }]),
      });
    });

    it("routes capture's burst event to the alarm topic, with the restore dry run in the message", () => {
      const [, rule] = of(minimal.app, 'AWS::Events::Rule').find(([, r]) =>
        JSON.stringify(r.Properties.EventPattern ?? {}).includes('cognito-rewind'),
      ) as [string, Resource];
      expect(rule.Properties.EventPattern).toEqual({
        source: ['cognito-rewind'],
        'detail-type': ['Cognito Rewind burst'],
      });
      const [target] = rule.Properties.Targets as {
        Arn: unknown;
        InputTransformer: { InputTemplate: string };
      }[];
      const [topicId] = of(minimal.app, 'AWS::SNS::Topic').map(([id]) => id);
      expect(target?.Arn).toEqual({ Ref: topicId });
      expect(target?.InputTransformer.InputTemplate).toContain('<detail-restore-dryRun>');
      minimal.app.hasResourceProperties('AWS::SNS::TopicPolicy', {
        PolicyDocument: Match.objectLike({
          Statement: Match.arrayWith([
            Match.objectLike({ Action: 'sns:Publish', Principal: { Service: 'events.amazonaws.com' } }),
          ]),
        }),
      });
    });

    it('turns the silence alarm off for pools that are quiet for days (maxQuietHours 0)', () => {
      const quiet = synth({ ...MINIMAL, alarms: { maxQuietHours: 0 } });
      expect(alarmNames(quiet.app).some((name) => name.includes('no-changes'))).toBe(false);
    });
  });

  it('outputs what restore-cli --deployment reads, under the names core gives', () => {
    const outputs = full.app.toJSON().Outputs as Record<string, { Value: unknown }>;
    for (const name of Object.values(DEPLOYMENT_OUTPUTS)) expect(Object.keys(outputs)).toContain(name);
    expect(outputs[DEPLOYMENT_OUTPUTS.bucket]?.Value).toBe('rewind-123456789012-eu-west-1');
    expect(outputs[DEPLOYMENT_OUTPUTS.table]?.Value).toBe('Rewind-change-log');
    expect(outputs[DEPLOYMENT_OUTPUTS.poolIds]?.Value).toBe(FULL.pools.join(','));
    const minimalOutputs = Object.keys(minimal.app.toJSON().Outputs as object);
    expect(minimalOutputs).not.toContain(DEPLOYMENT_OUTPUTS.prefix);
    expect(minimalOutputs).not.toContain(DEPLOYMENT_OUTPUTS.kmsKeyArn);
  });
});

describe('as a construct library', () => {
  it("puts Cognito Rewind into a team's own stack, beside a store the team made", () => {
    const app = new App();
    const stack = new Stack(app, 'PlatformBackups', {
      env: { region: 'eu-west-1', account: '123456789012' },
    });
    const bucket = new s3.Bucket(stack, 'TheirBucket', { removalPolicy: RemovalPolicy.RETAIN });
    const table = dynamodb.TableV2.fromTableName(stack, 'TheirTable', 'their-change-log');
    const config = parseRewindConfig({
      region: 'eu-west-1',
      pools: ['eu-west-1_AAAAAAAAA'],
      name: 'Backups',
    });
    const rewind = new CognitoRewind(stack, 'Rewind', {
      config,
      store: { bucket, table },
      permissions: REWIND_PERMISSIONS,
      bundleDir: inject('bundleDir'),
    });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::Lambda::Function', 4);
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: {
          REWIND_TABLE: 'their-change-log',
          REWIND_BUCKET: { Ref: stack.getLogicalId(bucket.node.defaultChild as s3.CfnBucket) },
        },
      },
    });
    expect(rewind.restoreRole.roleArn).toBeDefined();
    expect(Object.keys(rewind.functions).sort()).toEqual(['archive', 'capture', 'reconcile', 'snapshot']);
  });

  it('names a missing bundle at synth, not at deploy', () => {
    const app = new App();
    const stack = new Stack(app, 'S', { env: { region: 'eu-west-1' } });
    const config = parseRewindConfig({ region: 'eu-west-1', pools: ['eu-west-1_AAAAAAAAA'] });
    expect(
      () =>
        new CognitoRewind(stack, 'Rewind', {
          config,
          store: {
            bucket: s3.Bucket.fromBucketName(stack, 'B', 'their-bucket'),
            table: dynamodb.TableV2.fromTableName(stack, 'T', 'their-table'),
          },
          permissions: REWIND_PERMISSIONS,
          bundleDir: '/nonexistent/bundles',
        }),
    ).toThrow(
      /no capture bundle in \/nonexistent\/bundles: run `pnpm --filter @cognito-rewind\/handlers bundle`/,
    );
  });
});
