/** Types of `bundle.mjs`, for the TypeScript tests that bundle the functions (infra's synth tests). */
export declare const LAMBDAS: readonly string[];
/** Bundles every function into `outdir/<name>/index.mjs`; resolves esbuild's metafile of each, by name. */
export declare function bundleLambdas(outdir: string): Promise<Record<string, unknown>>;
