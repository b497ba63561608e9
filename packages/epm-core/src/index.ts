// Public surface of @krg/epm-core. So far: EPM actions and the ordered
// ghost-section registry with the shared export/import walk.
export { keepsObjectsInCluster } from './epm-action.js';
export { SECTION_ORDER } from './ghost-section.js';
export { SectionRegistry } from './section-registry.js';
export {
  PROCESS_GHOST_MAGIC,
  PROCESS_GHOST_VERSION,
  exportProcess,
  importProcess,
} from './process-ghost.js';
export {
  EpmError,
  ProcessExportFailed,
  ProcessImportFailed,
  SectionRegistrationInvalid,
} from './errors.js';
export type {
  CheckpointAction,
  EpmAction,
  EpmActionType,
  MigrateAction,
  RemoteCloneAction,
  RestartAction,
} from './epm-action.js';
export type { GhostSection, SectionName } from './ghost-section.js';
