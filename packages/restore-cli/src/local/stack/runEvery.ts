/**
 * Runs every step in order, each whether or not an earlier one failed, so one part that will not stop
 * leaves none of the others running; then throws what failed: the one error, or an `AggregateError`
 * of them all, `what` in its message.
 */
export async function runEvery(what: string, steps: readonly (() => unknown)[]): Promise<void> {
  const errors: unknown[] = [];
  for (const step of steps) {
    try {
      await step();
    } catch (error) {
      errors.push(error);
    }
  }
  if (errors.length === 1) throw errors[0];
  if (errors.length > 1)
    throw new AggregateError(
      errors,
      `${what}: ${errors.length} steps failed (${errors.map((e) => (e instanceof Error ? e.message : String(e))).join('; ')})`,
    );
}
