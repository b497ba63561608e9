#!/usr/bin/env node
// Build step: copies the guest programs the demo runs from tools/guests/bin
// into this package (guests/), so the demo also works from the published
// package, where tools/ does not exist.
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';

export const DEMO_GUESTS = ['hello', 'checksum', 'sort', 'fork-tree', 'pipe-chain', 'argv-echo'];

const from = new URL('../../../tools/guests/bin/', import.meta.url);
const to = new URL('../guests/', import.meta.url);
mkdirSync(to, { recursive: true });
for (const name of DEMO_GUESTS) {
  const source = new URL(name, from);
  if (!existsSync(source)) {
    console.error(`copy-guests: missing ${source.pathname}`);
    process.exit(1);
  }
  copyFileSync(source, new URL(name, to));
}
