// Public surface of @krg/epm-sighand.
export { SIGHAND_OBJECT } from './sighand-object.js';
export {
  SA_NOCLDSTOP,
  SA_NOCLDWAIT,
  SA_NODEFER,
  SA_ONSTACK,
  SA_RESETHAND,
  SA_RESTART,
  SA_RESTORER,
  SA_SIGINFO,
  SIGHAND_HOOKS,
  SIGHAND_SLOT,
  SIG_DFL,
  SIG_IGN,
  Sighand,
  isUncatchable,
  setSighand,
} from './sighand.js';
export { SIGHAND_SYSCALLS } from './sighand-syscalls.js';
export { SIGHAND_SECTION } from './sighand-section.js';
export type { Sigaction } from './sighand.js';
