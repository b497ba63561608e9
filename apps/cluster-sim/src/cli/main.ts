#!/usr/bin/env node
// The `krg` command. Subcommands: exec (the stable contract of the
// processes issue). Errors of krg itself: one line on stderr, exit 125.
import { TaskFailed } from '@krg/sim-engine';
import { GuestNotSupported } from '@krg/kernel';
import { KRG_ERROR_EXIT_STATUS, KrgUsageError } from './errors.js';
import { hostIo, runExec } from './exec-command.js';

const USAGE = `usage: krg exec [--nodes N] [--seed S] [--node K] [--env NAME=VALUE]... [--image HOST_PATH[:GUEST_PATH]]... [--stats] [--verbose] -- <static riscv64 ELF> [args...]`;

function fail(message: string): number {
  process.stderr.write(`krg: ${message}\n`);
  return KRG_ERROR_EXIT_STATUS;
}

export async function main(argv: readonly string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (command !== 'exec')
    return fail(
      command === undefined ? USAGE : `unknown command ${JSON.stringify(command)}; ${USAGE}`,
    );
  try {
    return await runExec(rest, hostIo());
  } catch (e) {
    if (e instanceof KrgUsageError) return fail(e.message);
    const cause = e instanceof TaskFailed ? e.cause : e;
    if (cause instanceof GuestNotSupported) return fail(cause.message);
    return fail(
      `internal error: ${(cause as Error)?.stack ?? String(cause)}`.split('\n').join(' | '),
    );
  }
}

process.exitCode = await main(process.argv.slice(2));
