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
