#!/usr/bin/env node
// Enforces DESIGN.md's layering: a package may depend on (and import) only
// packages of a strictly lower layer. Layers are read from each package's
// `krg.layer` field; the order is below. Packages of the same layer never
// import each other (this is what keeps the 3c subsystems independent and
// keeps ghost-io, sim-engine and arch-riscv free of krg imports).
//
// It checks both package.json dependencies and the `@krg/...` specifiers that
// appear in source files, so an import cannot slip in through hoisting.
import { readFileSync, readdirSync, statSync, existsSync } from 'node:fs';
import { join, relative } from 'node:path';

const LAYER_ORDER = ['0', '1', '2', '3a', '3b', '3c', '4a', '4b', '5'];
// The workspace root is the first argument (tests pass a fixture), else the
// repository this script lives in.
const root = process.argv[2] ?? new URL('../..', import.meta.url).pathname;

function listPackages() {
  const out = [];
  for (const group of ['packages', 'apps']) {
    const dir = join(root, group);
    if (!existsSync(dir)) continue;
    for (const name of readdirSync(dir)) {
      const pj = join(dir, name, 'package.json');
      if (!existsSync(pj)) continue;
      out.push({ dir: join(dir, name), json: JSON.parse(readFileSync(pj, 'utf8')) });
    }
  }
  return out;
}

function* sourceFiles(dir) {
  if (!existsSync(dir)) return;
  for (const entry of readdirSync(dir)) {
    const p = join(dir, entry);
    if (statSync(p).isDirectory()) yield* sourceFiles(p);
    else if (/\.(ts|mts|js|mjs)$/.test(entry)) yield p;
  }
}

const packages = listPackages();
const layerOf = new Map();
const errors = [];
for (const { json } of packages) {
  const layer = json.krg?.layer;
  if (!LAYER_ORDER.includes(layer)) {
    errors.push(`${json.name}: missing or unknown "krg.layer" (${String(layer)})`);
    continue;
  }
  layerOf.set(json.name, LAYER_ORDER.indexOf(layer));
}

function check(from, to, where) {
  const a = layerOf.get(from);
  const b = layerOf.get(to);
  if (b === undefined) {
    errors.push(`${where}: ${from} uses ${to}, which is not a krg package with a layer`);
  } else if (a !== undefined && b >= a) {
    errors.push(
      `${where}: ${from} (layer ${LAYER_ORDER[a]}) must not use ${to} (layer ${LAYER_ORDER[b]}); ` +
        'a package may only use packages of a lower layer',
    );
  }
}

for (const { dir, json } of packages) {
  const declared = new Set();
  for (const field of ['dependencies', 'devDependencies', 'peerDependencies']) {
    for (const dep of Object.keys(json[field] ?? {})) {
      if (!dep.startsWith('@krg/')) continue;
      declared.add(dep);
      check(json.name, dep, `${relative(root, dir)}/package.json ${field}`);
    }
  }
  for (const sub of ['src', 'bench', 'scripts']) {
    for (const file of sourceFiles(join(dir, sub))) {
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/(?:from|import)\s*\(?\s*['"](@krg\/[a-z0-9-]+)/g)) {
        const dep = m[1];
        if (dep === json.name) continue;
        check(json.name, dep, relative(root, file));
        if (!declared.has(dep)) {
          errors.push(
            `${relative(root, file)}: imports ${dep}, which ${json.name} does not declare`,
          );
        }
      }
    }
  }
}

if (errors.length > 0) {
  for (const e of errors) console.error(`layering: ${e}`);
  process.exit(1);
}
console.log(`layering: ${packages.length} packages respect the layer order`);
