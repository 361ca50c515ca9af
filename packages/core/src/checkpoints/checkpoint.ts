import type { JsonObject } from '../model/json.js';

/** One checkpoint as stored: its value and the revision `put` must name to replace it. */
export interface Checkpoint {
  value: JsonObject;
  /** Counts up from 1 with every put. */
  revision: number;
}
