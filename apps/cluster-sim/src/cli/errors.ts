// A krg error (bad flag, unreadable or non-riscv64 binary, a guest fault
// krg cannot model): one line on stderr and exit status 125, as `env` and
// `timeout` report their own failures.
export const KRG_ERROR_EXIT_STATUS = 125;

export class KrgUsageError extends Error {
  override readonly name = 'KrgUsageError';
  readonly code = 'KRG_USAGE';
}
