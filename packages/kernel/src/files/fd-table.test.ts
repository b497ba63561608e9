// Goal: the descriptor table follows POSIX/Linux (lowest free fd, dup
// family, fcntl, close-on-exec, limits) and reference counts open files
// exactly, so a pipe end closes when its last descriptor anywhere goes.
// Method: direct cases over a counting OpenFile, then a seeded model test.
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { FdTable } from './fd-table.js';
import { OpenFile } from './open-file.js';
import {
  FD_CLOEXEC,
  F_DUPFD,
  F_DUPFD_CLOEXEC,
  F_GETFD,
  F_GETFL,
  F_SETFD,
  F_SETFL,
  O_APPEND,
  O_CLOEXEC,
  O_NONBLOCK,
  O_RDWR,
} from './open-flags.js';

class CountingFile extends OpenFile {
  readonly kind = 'console';
  closed = 0;
  protected onLastRelease(): void {
    this.closed++;
  }
}

describe('FdTable', () => {
  test('hands out the lowest free descriptor', () => {
    const t = new FdTable();
    const files = [0, 1, 2].map(() => new CountingFile(O_RDWR));
    expect(files.map((f) => t.install(f, false))).toEqual(
      [0, 1, 2].map((value) => ({ ok: true, value })),
    );
    t.close(1);
    expect(t.install(new CountingFile(O_RDWR), false)).toEqual({ ok: true, value: 1 });
    expect(files[1]!.closed).toBe(1);
  });

  test('dup, dup2 and dup3 share the description and follow Linux on misuse', () => {
    const t = new FdTable();
    const f = new CountingFile(O_RDWR);
    t.install(f, true);
    expect(t.dup(0)).toEqual({ ok: true, value: 1 });
    expect(t.fcntl(1, F_GETFD, 0)).toEqual({ ok: true, value: 0 });
    expect(t.dup2(0, 0)).toEqual({ ok: true, value: 0 });
    expect(t.dup3(0, 0, 0)).toEqual({ ok: false, errno: 'EINVAL' });
    expect(t.dup3(0, 5, O_CLOEXEC)).toEqual({ ok: true, value: 5 });
    expect(t.fcntl(5, F_GETFD, 0)).toEqual({ ok: true, value: FD_CLOEXEC });
    expect(t.dup3(0, 6, 1)).toEqual({ ok: false, errno: 'EINVAL' });
    expect(t.dup2(9, 3)).toEqual({ ok: false, errno: 'EBADF' });
    expect(t.dup2(0, 1024)).toEqual({ ok: false, errno: 'EBADF' });
    expect(f.refs).toBe(3);
    t.closeAll();
    expect(f.closed).toBe(1);
  });

  test('dup2 onto an open descriptor closes what was there', () => {
    const t = new FdTable();
    const a = new CountingFile(O_RDWR);
    const b = new CountingFile(O_RDWR);
    t.install(a, false);
    t.install(b, false);
    t.dup2(0, 1);
    expect(b.closed).toBe(1);
    expect(t.get(1)?.file).toBe(a);
  });

  test('fcntl duplicates above a floor, and F_SETFL changes only status flags', () => {
    const t = new FdTable();
    const f = new CountingFile(O_RDWR);
    t.install(f, false);
    expect(t.fcntl(0, F_DUPFD, 10)).toEqual({ ok: true, value: 10 });
    expect(t.fcntl(0, F_DUPFD_CLOEXEC, 10)).toEqual({ ok: true, value: 11 });
    expect(t.fcntl(11, F_GETFD, 0)).toEqual({ ok: true, value: FD_CLOEXEC });
    expect(t.fcntl(0, F_DUPFD, 1024)).toEqual({ ok: false, errno: 'EINVAL' });
    expect(t.fcntl(0, F_SETFL, O_APPEND | O_NONBLOCK | 0o3)).toEqual({ ok: true, value: 0 });
    expect(t.fcntl(10, F_GETFL, 0)).toEqual({ ok: true, value: O_RDWR | O_APPEND | O_NONBLOCK });
    expect(t.fcntl(0, F_SETFD, FD_CLOEXEC)).toEqual({ ok: true, value: 0 });
    expect(t.fcntl(0, 12345, 0)).toBeUndefined();
    expect(t.fcntl(3, F_GETFD, 0)).toEqual({ ok: false, errno: 'EBADF' });
  });

  test('runs out at the limit with EMFILE', () => {
    const t = new FdTable(3);
    for (let i = 0; i < 3; i++) t.install(new CountingFile(O_RDWR), false);
    expect(t.install(new CountingFile(O_RDWR), false)).toEqual({ ok: false, errno: 'EMFILE' });
    expect(t.dup(0)).toEqual({ ok: false, errno: 'EMFILE' });
  });

  test('fork shares every description; exec closes only close-on-exec ones', () => {
    const t = new FdTable();
    const keep = new CountingFile(O_RDWR);
    const drop = new CountingFile(O_RDWR);
    t.install(keep, false);
    t.install(drop, true);
    const child = t.fork();
    child.closeOnExec();
    expect(drop.closed).toBe(0);
    expect(child.entries().map(([fd]) => fd)).toEqual([0]);
    t.closeAll();
    expect(drop.closed).toBe(1);
    expect(keep.closed).toBe(0);
    child.closeAll();
    expect(keep.closed).toBe(1);
  });
});

describe('FdTable against a model (property)', () => {
  test('descriptions close exactly when their last descriptor goes', () => {
    const op = fc.oneof(
      fc.record({ kind: fc.constant('open' as const) }),
      fc.record({ kind: fc.constant('close' as const), fd: fc.nat(12) }),
      fc.record({ kind: fc.constant('dup' as const), fd: fc.nat(12) }),
      fc.record({ kind: fc.constant('dup2' as const), fd: fc.nat(12), to: fc.nat(12) }),
      fc.record({ kind: fc.constant('fork' as const) }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 80 }), (ops) => {
        const tables = [new FdTable(12)];
        const files: CountingFile[] = [];
        for (const o of ops) {
          const t = tables[tables.length - 1]!;
          if (o.kind === 'open') {
            const f = new CountingFile(O_RDWR);
            if (t.install(f, false).ok) files.push(f);
          } else if (o.kind === 'close') t.close(o.fd);
          else if (o.kind === 'dup') t.dup(o.fd);
          else if (o.kind === 'dup2') t.dup2(o.fd, o.to);
          else if (tables.length < 4) tables.push(t.fork());
          for (const f of files) {
            const held = tables.reduce(
              (n, tb) => n + tb.entries().filter(([, e]) => e.file === f).length,
              0,
            );
            expect(f.refs).toBe(held);
            expect(f.closed).toBe(held === 0 ? 1 : 0);
          }
        }
      }),
      { seed: Number(process.env.KRG_SEED ?? 20261125), numRuns: 200 },
    );
  });
});
