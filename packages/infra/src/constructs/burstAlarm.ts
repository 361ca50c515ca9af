import { BURST_DETAIL_TYPE, BURST_EVENT_SOURCE } from '@cognito-rewind/core';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import type { RewindConfig } from '../config/rewindConfig.js';

export interface BurstAlarmProps {
  readonly config: RewindConfig;
  /** The alarm topic (`Monitoring`'s). */
  readonly topic: sns.ITopic;
}

const field = (path: string) => events.EventField.fromPath(`$.detail.${path}`);

/**
 * Routes the capture function's burst event (many destructive calls by one caller; one event per
 * burst on the default bus) to the alarm topic, as a message a person can act on: who, how many,
 * when, and the dry run of the restore that undoes it.
 */
export class BurstAlarm extends Construct {
  readonly rule: events.Rule;

  constructor(scope: Construct, id: string, props: BurstAlarmProps) {
    super(scope, id);
    this.rule = new events.Rule(this, 'Rule', {
      description: `${props.config.name}: a burst of destructive Cognito calls, to the alarm topic`,
      eventPattern: { source: [BURST_EVENT_SOURCE], detailType: [BURST_DETAIL_TYPE] },
      targets: [
        new targets.SnsTopic(props.topic, {
          message: events.RuleTargetInput.fromText(
            [
              `Cognito Rewind: ${field('total')} destructive calls by ${field('caller')} on ${field('poolId')}`,
              `from ${field('window.start')} to ${field('window.end')}.`,
              `Undo (dry run first): ${field('restore.dryRun')}`,
              `Details: ${field('summary')}`,
            ].join(' '),
          ),
        }),
      ],
    });
  }
}
