// Goal: the layering check rejects every kind of layer violation and accepts a
// clean tree, so DESIGN.md's layer rule cannot rot silently. Method: build
// small fixture workspaces in a temp dir and run the real script on them.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';

const script = new URL('../check-layering.mjs', import.meta.url).pathname;
const roots: string[] = [];

interface FixturePackage {
  name: string;
  layer: string | undefined;
  deps?: string[];
  source?: string;
}

function fixture(packages: FixturePackage[]): string {
  const root = mkdtempSync(join(tmpdir(), 'krg-layering-'));
  roots.push(root);
  for (const p of packages) {
    const dir = join(root, 'packages', p.name, 'src');
    mkdirSync(dir, { recursive: true });
    const dependencies = Object.fromEntries(
      (p.deps ?? []).map((d) => [`@krg/${d}`, 'workspace:*']),
    );
    const json = {
      name: `@krg/${p.name}`,
      krg: p.layer === undefined ? {} : { layer: p.layer },
      dependencies,
    };
    writeFileSync(join(root, 'packages', p.name, 'package.json'), JSON.stringify(json));
    writeFileSync(join(dir, 'index.ts'), p.source ?? 'export {};\n');
  }
  return root;
}

function run(root: string): { ok: boolean; output: string } {
  try {
    const out = execFileSync(process.execPath, [script, root], { encoding: 'utf8', stdio: 'pipe' });
    return { ok: true, output: out };
  } catch (e) {
    const err = e as { stderr: string };
    return { ok: false, output: err.stderr };
  }
}

afterEach(() => {
  for (const r of roots.splice(0)) rmSync(r, { recursive: true, force: true });
});

describe('check-layering', () => {
  test('accepts a package that uses only lower layers', () => {
    const root = fixture([
      { name: 'low', layer: '0' },
      { name: 'high', layer: '2', deps: ['low'], source: "import { x } from '@krg/low';\n" },
    ]);
    expect(run(root)).toMatchObject({ ok: true });
  });

  test('rejects a dependency on a higher layer', () => {
    const root = fixture([
      { name: 'low', layer: '0', deps: ['high'] },
      { name: 'high', layer: '2' },
    ]);
    const r = run(root);
    expect(r.ok).toBe(false);
    expect(r.output).toContain('@krg/low (layer 0) must not use @krg/high (layer 2)');
  });

  test('rejects a dependency between two packages of the same layer', () => {
    const root = fixture([
      { name: 'signal', layer: '3c', deps: ['sighand'] },
      { name: 'sighand', layer: '3c' },
    ]);
    expect(run(root).output).toContain('must not use @krg/sighand (layer 3c)');
  });

  test('rejects an undeclared import found in source', () => {
    const root = fixture([
      { name: 'low', layer: '0' },
      { name: 'high', layer: '2', source: "export { x } from '@krg/low';\n" },
    ]);
    expect(run(root).output).toContain('imports @krg/low, which @krg/high does not declare');
  });

  test('rejects an upward dynamic import even when declared', () => {
    const root = fixture([
      { name: 'low', layer: '0', deps: ['high'], source: "await import('@krg/high');\n" },
      { name: 'high', layer: '1' },
    ]);
    expect(run(root).output).toMatch(
      /src\/index\.ts: @krg\/low \(layer 0\) must not use @krg\/high/,
    );
  });

  test('rejects a package without a known layer', () => {
    const root = fixture([{ name: 'lost', layer: undefined }]);
    expect(run(root).output).toContain('@krg/lost: missing or unknown "krg.layer"');
  });
});
