/**
 * The four Lambda functions, by the names `scripts/bundle.mjs` gives their bundles. Here, below
 * every other folder, so that the metric names, the loggers and the permission lists can all name
 * them without one folder importing another's.
 */
export const FUNCTION_NAMES = ['capture', 'snapshot', 'archive', 'reconcile'] as const;

export type FunctionName = (typeof FUNCTION_NAMES)[number];
