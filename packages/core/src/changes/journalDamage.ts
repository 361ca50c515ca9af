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

/** What a store knows of its own damage so far, without reading everything again. */
export interface DamageSummary {
  /** Damaged lines known. */
  lines: number;
  /** The first few of them, in journal order. */
  first: JournalDamage[];
}
