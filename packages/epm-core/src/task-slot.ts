// A typed slot of per-task state owned by one subsystem (the address space
// of mm-ghost, the descriptor table of the kernel, the signal state of
// epm-signal). epm-core stores slots without knowing their types, so it
// never imports a subsystem; each subsystem exports its slot and reads its
// own state through it.

export class TaskSlot<T> {
  // Phantom member: keeps TaskSlot<A> and TaskSlot<B> distinct types.
  declare readonly __type: T;
  constructor(readonly name: string) {}
}
