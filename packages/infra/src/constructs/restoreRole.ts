import { Duration, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import type { RewindConfig } from '../config/rewindConfig.js';
import { poolArns, type ServiceActions, storeStatements } from './grants.js';
import type { StoreRefs } from './storeRefs.js';

export interface RestoreRoleProps {
  readonly config: RewindConfig;
  readonly store: StoreRefs;
  /** What a restore sends: core's `RESTORE_PERMISSIONS`. */
  readonly actions: ServiceActions;
  /** `cognito-idp:CreateUserPool`, granted only with `restoreRole.allowCreatePool`. */
  readonly createPool: readonly string[];
}

/**
 * The one role that may write to Cognito: an operator assumes it to restore (`restore-cli
 * --deployment`, or `--role-arn`). Exactly the calls a restore makes, on the configured pools only,
 * and the store's reads plus the restore's own records. Trusted by this account (or the principals
 * named), with MFA unless turned off.
 */
export class RestoreRole extends Construct {
  readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: RestoreRoleProps) {
    super(scope, id);
    const { config } = props;
    const stack = Stack.of(scope);
    const trusted = config.restoreRole.trustedPrincipalArns;
    const principal: iam.IPrincipal =
      trusted === undefined
        ? new iam.AccountRootPrincipal()
        : new iam.CompositePrincipal(...trusted.map((arn) => new iam.ArnPrincipal(arn)));
    this.role = new iam.Role(this, 'Role', {
      description: 'Assumed by an operator to restore Cognito user pools with restore-cli',
      maxSessionDuration: Duration.hours(config.restoreRole.maxSessionHours),
      assumedBy: config.restoreRole.requireMfa
        ? new iam.PrincipalWithConditions(principal, { Bool: { 'aws:MultiFactorAuthPresent': 'true' } })
        : principal,
    });
    // `--create-pool` makes a pool no ARN names in advance, then restores into it: allowing it widens
    // the role's Cognito actions to every pool of the region. An opt-in, said in the configuration docs.
    const anyPool = stack.formatArn({ service: 'cognito-idp', resource: 'userpool', resourceName: '*' });
    const pools = config.restoreRole.allowCreatePool ? [anyPool] : poolArns(stack, config);
    for (const statement of storeStatements(stack, config, props.store, props.actions, pools))
      this.role.addToPolicy(statement);
    if (config.restoreRole.allowCreatePool)
      this.role.addToPolicy(
        new iam.PolicyStatement({ actions: [...props.createPool], resources: [anyPool] }),
      );
  }
}
