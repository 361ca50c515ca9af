import type { JsonObject } from '../model/json.js';

const text = (value: unknown): string | undefined =>
  typeof value === 'string' && !Number.isNaN(Date.parse(value)) ? value : undefined;

/** Cognito's own "last modified" stamp of an entity document, where it has one. */
export const modifiedAtOf = (doc: JsonObject | null | undefined): string | undefined =>
  doc ? (text(doc.modifiedAt) ?? text(doc.LastModifiedDate)) : undefined;

/** Cognito's own creation stamp of an entity document, where it has one. */
export const createdAtOf = (doc: JsonObject | null | undefined): string | undefined =>
  doc ? (text(doc.createdAt) ?? text(doc.CreationDate)) : undefined;
