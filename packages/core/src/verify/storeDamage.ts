/**
 * Damage a store can find in its own files, below what the ports read: a line of a journal that does
 * not parse or fails its checksum. Reported once, where it is, with the entity it breaks, instead of
 * as every later read that trips on it.
 */
export interface JournalDamage {
  /** The file (or object) holding it. */
  where: string;
  /** Byte offset of the damaged line. */
  offset: number;
  problem: string;
  /** The entity whose chain the line was part of, when the line still names it. */
  entity?: string;
}

/** A change log that can survey its own storage for damage (the directory store's journal). */
export interface DamageSurvey {
  damage(poolId: string): Promise<JournalDamage[]>;
}

export const canSurveyDamage = (log: unknown): log is DamageSurvey =>
  typeof (log as Partial<DamageSurvey> | null)?.damage === 'function';

/** What a store knows of its own damage so far, without reading everything again. */
export interface DamageSummary {
  /** Damaged lines known. */
  lines: number;
  /** The first few of them, in journal order. */
  first: JournalDamage[];
}

/**
 * A change log that keeps track of its damage as it goes (the directory store): each call checks only
 * what was appended since the last, so any command can afford to ask.
 */
export interface DamageWatch {
  damageSoFar(poolId: string): Promise<DamageSummary>;
}

export const canWatchDamage = (log: unknown): log is DamageWatch =>
  typeof (log as Partial<DamageWatch> | null)?.damageSoFar === 'function';
