/**
 * When did the new state become true? The most precise truth available wins: the entity's own
 * modification date from Cognito, else the CloudTrail event time, else when we observed it.
 *
 * Two guards keep replay honest:
 * - Cognito dates often come in whole seconds. A change stamped 10:00:05 happened somewhere in
 *   [10:00:05.000, 10:00:06.000), so we take the end of that second: never attribute a later state to
 *   an earlier time.
 * - A state is never valid before we could have seen it is not guaranteed (clock skew), but it is never
 *   valid after we saw it: results are capped at `observedAt`, and never earlier than the entity's
 *   previous record, so each entity's history stays in time order.
 */
export interface ValidFromInput {
  observedAt: string;
  entityModifiedAt?: string | undefined;
  eventTime?: string | undefined;
  previousValidFrom?: string | undefined;
}

const WHOLE_SECOND = 1000;

export function resolveValidFrom({
  observedAt,
  entityModifiedAt,
  eventTime,
  previousValidFrom,
}: ValidFromInput): string {
  const observed = Date.parse(observedAt);
  let candidate = observed;
  const source = entityModifiedAt ?? eventTime;
  if (source !== undefined && !Number.isNaN(Date.parse(source))) {
    const at = Date.parse(source);
    candidate = at % WHOLE_SECOND === 0 ? at + WHOLE_SECOND - 1 : at;
  }
  candidate = Math.min(candidate, observed);
  if (previousValidFrom !== undefined) candidate = Math.max(candidate, Date.parse(previousValidFrom));
  return new Date(candidate).toISOString();
}
