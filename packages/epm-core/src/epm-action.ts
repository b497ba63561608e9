// An EPM action (reference §3, Kerrighed's `struct epm_action`): what an
// export or import is for. The action is explicit because it decides what a
// ghost section writes. Migration and remote clone leave the process's
// system KDDM objects in the cluster, so a section writes only their ids;
// checkpoint must also save the objects themselves, because they vanish when
// the process is killed or its node reboots; restart reads them back.

export type EpmActionType = 'migrate' | 'remote-clone' | 'checkpoint' | 'restart';

export interface MigrateAction {
  readonly type: 'migrate';
  readonly pid: number;
  readonly sourceNode: number;
  readonly targetNode: number;
}

export interface RemoteCloneAction {
  readonly type: 'remote-clone';
  readonly fromPid: number;
  readonly targetNode: number;
  readonly cloneFlags: number;
}

export interface CheckpointAction {
  readonly type: 'checkpoint';
  readonly appId: number;
  /** Kerrighed's CR_SAVE_NOW / CR_SAVE_LATER: shared objects in this ghost, or by key in a shared table. */
  readonly shared: 'save-now' | 'save-later';
}

export interface RestartAction {
  readonly type: 'restart';
  readonly appId: number;
  /** Kerrighed's CR_LOAD_NOW / CR_LINK_ONLY. */
  readonly shared: 'load-now' | 'link-only';
  /** APP_REPLACE_PGRP / APP_REPLACE_SID: take the restarting command's group and session. */
  readonly replacePgrp: boolean;
  readonly replaceSid: boolean;
}

export type EpmAction = MigrateAction | RemoteCloneAction | CheckpointAction | RestartAction;

/** True when the process's shared kernel objects survive in the cluster (ids suffice). */
export function keepsObjectsInCluster(action: EpmAction): boolean {
  return action.type === 'migrate' || action.type === 'remote-clone';
}
