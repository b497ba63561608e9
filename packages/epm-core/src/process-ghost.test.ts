// Goal: exportProcess/importProcess walk sections in reference order, check
// the framing, refuse a ghost written for another action, and unwind every
// completed import in reverse when a later one fails. Method: sections that
// record what they do, over real MemoryGhosts from ghost-io.
import { MemoryGhost } from '@krg/ghost-io';
import { describe, expect, test } from 'vitest';
import {
  ProcessExportFailed,
  ProcessImportFailed,
  SectionRegistrationInvalid,
  SectionRegistry,
  exportProcess,
  importProcess,
  type EpmAction,
  type GhostSection,
  type SectionName,
} from './index.js';

interface Proc {
  values: Partial<Record<SectionName, number>>;
}
interface Target {
  values: Partial<Record<SectionName, number>>;
  log: string[];
}

const checkpoint: EpmAction = { type: 'checkpoint', appId: 7, shared: 'save-now' };
const restart: EpmAction = {
  type: 'restart',
  appId: 7,
  shared: 'load-now',
  replacePgrp: false,
  replaceSid: false,
};
const migrate: EpmAction = { type: 'migrate', pid: 2097154, sourceNode: 0, targetNode: 1 };

function section(
  name: SectionName,
  opts: { version?: number; failImport?: boolean; refuse?: boolean } = {},
): GhostSection<Proc, Target> {
  return {
    name,
    version: opts.version ?? 1,
    async export(p, ghost, action) {
      if (opts.refuse === true) throw new Error(`${name} is busy`);
      await ghost.writeString(action.type);
      await ghost.writeU32(p.values[name] ?? 0);
    },
    async import(t, ghost) {
      await ghost.readString();
      const v = await ghost.readU32();
      if (opts.failImport === true) throw new Error(`${name} cannot be rebuilt`);
      t.values[name] = v;
      t.log.push(`import ${name}`);
    },
    async unimport(t) {
      delete t.values[name];
      t.log.push(`unimport ${name}`);
    },
  };
}

async function roundTrip(
  exporter: SectionRegistry<Proc, Target>,
  importer: SectionRegistry<Proc, Target>,
  out: EpmAction,
  into: EpmAction,
) {
  const proc: Proc = { values: { task: 1, mm: 2, signal: 3, sighand: 4 } };
  const ghost = MemoryGhost.create();
  await exportProcess(exporter, proc, ghost, out);
  await ghost.close();
  const target: Target = { values: {}, log: [] };
  const reader = ghost.toReader();
  await importProcess(importer, reader, into, target);
  return target;
}

function registry(...sections: GhostSection<Proc, Target>[]) {
  const r = new SectionRegistry<Proc, Target>();
  for (const s of sections) r.register(s);
  return r;
}

describe('SectionRegistry', () => {
  test('walks sections in reference order whatever the registration order', () => {
    const r = registry(section('sighand'), section('task'), section('signal'), section('mm'));
    expect(r.sections().map((s) => s.name)).toEqual(['task', 'mm', 'signal', 'sighand']);
  });

  test('refuses duplicate, unknown and badly versioned sections', () => {
    const r = registry(section('mm'));
    expect(() => r.register(section('mm'))).toThrow(SectionRegistrationInvalid);
    expect(() => r.register({ ...section('mm'), name: 'nope' as SectionName })).toThrow(
      SectionRegistrationInvalid,
    );
    expect(() => r.register(section('files', { version: 0 }))).toThrow(SectionRegistrationInvalid);
  });
});

describe('exportProcess and importProcess', () => {
  test('a checkpoint ghost restarts with every section in order', () => {
    const r = registry(section('signal'), section('task'), section('mm'), section('sighand'));
    return roundTrip(r, r, checkpoint, restart).then((t) => {
      expect(t.values).toEqual({ task: 1, mm: 2, signal: 3, sighand: 4 });
      expect(t.log).toEqual(['import task', 'import mm', 'import signal', 'import sighand']);
    });
  });

  test('a migration ghost is refused by restart, and a checkpoint ghost by migration', async () => {
    const r = registry(section('task'));
    await expect(roundTrip(r, r, migrate, restart)).rejects.toThrow(
      'Cannot import ghost section "header": expected a ghost written for checkpoint, found one for migrate',
    );
    await expect(roundTrip(r, r, checkpoint, migrate)).rejects.toThrow(ProcessImportFailed);
  });

  test('a failing section unwinds the sections imported before it, in reverse', async () => {
    const exporter = registry(
      section('task'),
      section('mm'),
      section('signal'),
      section('sighand'),
    );
    const log: string[] = [];
    const importer = registry(
      section('task'),
      section('mm'),
      section('signal', { failImport: true }),
      section('sighand'),
    );
    const ghost = MemoryGhost.create();
    await exportProcess(exporter, { values: {} }, ghost, checkpoint);
    await ghost.close();
    const target: Target = { values: {}, log };
    const error = await importProcess(importer, ghost.toReader(), restart, target).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ProcessImportFailed);
    expect((error as ProcessImportFailed).section).toBe('signal');
    expect(log).toEqual(['import task', 'import mm', 'unimport mm', 'unimport task']);
    expect(target.values).toEqual({});
  });

  test('a section version mismatch is named', async () => {
    const exporter = registry(section('task'), section('mm', { version: 2 }));
    const importer = registry(section('task'), section('mm', { version: 3 }));
    await expect(roundTrip(exporter, importer, checkpoint, restart)).rejects.toThrow(
      'Cannot import ghost section "mm": expected version 3, found version 2',
    );
  });

  test('a ghost with a section the reader does not have is refused before any import', async () => {
    const exporter = registry(section('task'), section('mm'));
    const importer = registry(section('task'));
    await expect(roundTrip(exporter, importer, checkpoint, restart)).rejects.toThrow(
      'expected 1 sections, found 2',
    );
  });

  test('a truncated ghost fails with the section it was reading and unwinds', async () => {
    const r = registry(section('task'), section('mm'));
    const ghost = MemoryGhost.create();
    await exportProcess(r, { values: { task: 1 } }, ghost, checkpoint);
    await ghost.close();
    const frames = ghost.frames();
    const whole = new Uint8Array(frames.reduce((n, f) => n + f.byteLength, 0));
    let at = 0;
    for (const f of frames) {
      whole.set(f, at);
      at += f.byteLength;
    }
    for (let cut = 0; cut < whole.byteLength; cut++) {
      const target: Target = { values: {}, log: [] };
      const reader = MemoryGhost.fromFrames([whole.slice(0, cut)]);
      const error = await importProcess(r, reader, restart, target).catch((e: unknown) => e);
      expect(error, `cut at ${cut}`).toBeInstanceOf(Error);
      expect(target.values, `cut at ${cut}`).toEqual({});
    }
  });

  test('a process followed by more data imports when the caller says so', async () => {
    const r = registry(section('task'));
    const ghost = MemoryGhost.create();
    await exportProcess(r, { values: { task: 5 } }, ghost, migrate);
    await ghost.writeString('next process');
    await ghost.close();
    const reader = ghost.toReader();
    const target: Target = { values: {}, log: [] };
    await importProcess(r, reader, migrate, target, { isLastInGhost: false });
    expect(target.values).toEqual({ task: 5 });
    expect(await reader.readString()).toBe('next process');
    await reader.readEnd();
  });

  test('an export refusal is reported with its section', async () => {
    const r = registry(section('task'), section('files', { refuse: true }));
    const ghost = MemoryGhost.create();
    await expect(exportProcess(r, { values: {} }, ghost, checkpoint)).rejects.toThrow(
      ProcessExportFailed,
    );
    await expect(
      exportProcess(r, { values: {} }, MemoryGhost.create(), checkpoint),
    ).rejects.toThrow('Cannot export ghost section "files": files is busy');
  });
});
