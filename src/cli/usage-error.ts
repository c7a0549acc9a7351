/** A mistake in the command line: `saker` exits 2 with its message and a pointer to `saker help`. */
export class UsageError extends Error {}
