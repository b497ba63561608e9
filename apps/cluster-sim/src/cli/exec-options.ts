// Parsing `krg exec`'s arguments (the stable contract of the processes
// issue):
//   krg exec [--nodes N] [--seed S] [--node K] [--env NAME=VALUE]…
//            [--image HOST_PATH[:GUEST_PATH]]… [--stats] [--verbose]
//            -- <static riscv64 ELF> [args…]
// Every value is checked; a bad one is a KrgUsageError (exit 125).
import { parseArgs } from 'node:util';
import { KrgUsageError } from './errors.js';

/** Most nodes a cluster can have (Kerrighed's 8 node bits). */
export const EXEC_NODES_MAX = 256;
/** Most --env and --image flags, and guest arguments, accepted. */
export const EXEC_LIST_MAX = 4096;

export interface ExecOptions {
  readonly nodes: number;
  readonly seed: number;
  readonly node: number;
  readonly env: readonly string[];
  readonly images: readonly { readonly hostPath: string; readonly guestPath: string }[];
  readonly isStats: boolean;
  readonly isVerbose: boolean;
  /** The binary as typed (argv[0]) and its arguments. */
  readonly program: string;
  readonly args: readonly string[];
}

function integer(
  flag: string,
  value: string | undefined,
  fallback: number,
  min: number,
  max: number,
): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value))
    throw new KrgUsageError(`--${flag} expects an integer, found ${JSON.stringify(value)}`);
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    throw new KrgUsageError(`--${flag} must be between ${min} and ${max}, found ${value}`);
  }
  return n;
}

function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

export function parseExecOptions(argv: readonly string[]): ExecOptions {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        nodes: { type: 'string' },
        seed: { type: 'string' },
        node: { type: 'string' },
        env: { type: 'string', multiple: true },
        image: { type: 'string', multiple: true },
        stats: { type: 'boolean' },
        verbose: { type: 'boolean' },
      },
    });
  } catch (e) {
    throw new KrgUsageError((e as Error).message.split('\n')[0] ?? 'bad arguments');
  }
  const { values, positionals } = parsed;
  const nodes = integer('nodes', values.nodes, 4, 1, EXEC_NODES_MAX);
  const seed = integer('seed', values.seed, 1, 0, Number.MAX_SAFE_INTEGER);
  const node = integer('node', values.node, 0, 0, nodes - 1);
  const env = values.env ?? [];
  const rawImages = values.image ?? [];
  if (
    env.length > EXEC_LIST_MAX ||
    rawImages.length > EXEC_LIST_MAX ||
    positionals.length > EXEC_LIST_MAX
  ) {
    throw new KrgUsageError(
      `at most ${EXEC_LIST_MAX} --env, --image and program arguments are accepted`,
    );
  }
  for (const e of env) {
    if (!/^[^=\0]+=[^\0]*$/.test(e))
      throw new KrgUsageError(`--env expects NAME=VALUE, found ${JSON.stringify(e)}`);
  }
  const images = rawImages.map((spec) => {
    const colon = spec.indexOf(':');
    const hostPath = colon < 0 ? spec : spec.slice(0, colon);
    const guestPath = colon < 0 ? `/bin/${baseName(spec)}` : spec.slice(colon + 1);
    if (hostPath === '' || !guestPath.startsWith('/')) {
      throw new KrgUsageError(
        `--image expects HOST_PATH[:/GUEST_PATH], found ${JSON.stringify(spec)}`,
      );
    }
    return { hostPath, guestPath };
  });
  const [program, ...args] = positionals;
  if (program === undefined)
    throw new KrgUsageError(
      'krg exec needs a program: krg exec [options] -- <static riscv64 ELF> [args…]',
    );
  return {
    nodes,
    seed,
    node,
    env,
    images,
    isStats: values.stats === true,
    isVerbose: values.verbose === true,
    program,
    args,
  };
}
