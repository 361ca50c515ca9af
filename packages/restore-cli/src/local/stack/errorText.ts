/** An error's message, or what was thrown as text: for a problem line. */
export const errorText = (error: unknown): string => (error instanceof Error ? error.message : String(error));
