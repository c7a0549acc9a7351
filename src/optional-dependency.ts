/**
 * Optional peer dependencies (database drivers, autocannon) are imported only when used, and a
 * missing one is named with the command that installs it.
 */

/** Imports an optional module, turning "not installed" into an error that says what to install. */
export async function loadOptional<T>(pkg: string, purpose: string, load: () => Promise<T>): Promise<T> {
  try {
    return await load()
  } catch (error) {
    if (isMissing(error, pkg)) {
      throw new Error(`${purpose} needs the \`${pkg}\` package: npm install ${pkg}`, { cause: error })
    }
    throw error
  }
}

function isMissing(error: unknown, pkg: string): boolean {
  const { code, message } = error as { code?: unknown; message?: unknown }
  return (
    (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') &&
    typeof message === 'string' &&
    (message.includes(`'${pkg}'`) || message.includes(`"${pkg}"`))
  )
}
