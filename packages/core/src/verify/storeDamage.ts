import type { DamageSurvey, DamageWatch } from '../ports.js';

export const canSurveyDamage = (log: unknown): log is DamageSurvey =>
  typeof (log as Partial<DamageSurvey> | null)?.damage === 'function';

export const canWatchDamage = (log: unknown): log is DamageWatch =>
  typeof (log as Partial<DamageWatch> | null)?.damageSoFar === 'function';
