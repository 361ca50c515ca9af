import type { ChangeRecord } from '../changes/changeRecord.js';
import type { TimeRange } from '../changes/logPosition.js';

/** Does `validFrom` fall in (range.after, range.upTo]? */
export const inRange = (validFrom: string, range: TimeRange = {}): boolean =>
  (range.after === undefined || Date.parse(validFrom) > Date.parse(range.after)) &&
  (range.upTo === undefined || Date.parse(validFrom) <= Date.parse(range.upTo));

/** Timeline order: by validFrom, then by id (observation order) for records of the same instant. */
export const byTimeline = (a: ChangeRecord, b: ChangeRecord): number =>
  Date.parse(a.validFrom) - Date.parse(b.validFrom) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
