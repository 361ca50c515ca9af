import { type HandlerDeps, handlerDepsFromEnv } from '../env/handlerDepsFromEnv.js';

let deps: HandlerDeps | undefined;

/**
 * The container's wiring, made on the first invocation and kept for the next ones (clients reuse
 * their connections). Not at import: a missing variable then fails an invocation, which logs why,
 * instead of the init phase. A failed attempt is not kept, so a fixed environment needs no redeploy.
 */
export function envDeps(): HandlerDeps {
  deps ??= handlerDepsFromEnv(process.env);
  return deps;
}
