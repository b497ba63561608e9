// The complete architectural state of a hart as a plain value: what the
// process ghost saves and what a restarted or migrated process resumes from.
// 64-bit quantities are unsigned bigints (msgpack encodes them as uint64).
import { HartStateInvalid } from './errors.js';

export interface Reservation {
  /** The reserved address (naturally aligned to `widthBytes`). */
  readonly address: bigint;
  readonly widthBytes: 4 | 8;
  /** The value LR read (sign-extended to 64 bits for lr.w), as uint64. */
  readonly value: bigint;
}

export interface HartState {
  readonly pc: bigint;
  /** x0..x31 as uint64; x[0] is always 0n. */
  readonly x: readonly bigint[];
  /** f0..f31 raw 64-bit patterns (singles NaN-boxed). */
  readonly f: readonly bigint[];
  /** fcsr: frm in bits 7..5, fflags in bits 4..0. */
  readonly fcsr: number;
  readonly reservation: Reservation | null;
  /** Instructions retired since the hart started (the instret CSR). */
  readonly instret: bigint;
}

const U64_LIMIT = 1n << 64n;

/** Throws HartStateInvalid unless `state` is a well-formed HartState. */
export function validateHartState(state: HartState): void {
  checkU64('pc', state.pc);
  if ((state.pc & 1n) !== 0n) throw new HartStateInvalid('pc', 'an even address', String(state.pc));
  checkRegisters('x', state.x);
  if (state.x[0] !== 0n) throw new HartStateInvalid('x[0]', '0n', String(state.x[0]));
  checkRegisters('f', state.f);
  if (!Number.isInteger(state.fcsr) || state.fcsr < 0 || state.fcsr > 0xff) {
    throw new HartStateInvalid('fcsr', 'an integer in 0..255', String(state.fcsr));
  }
  if (
    typeof state.instret !== 'bigint' ||
    state.instret < 0n ||
    state.instret > BigInt(Number.MAX_SAFE_INTEGER)
  ) {
    throw new HartStateInvalid('instret', 'a bigint in 0..2^53-1', String(state.instret));
  }
  const r = state.reservation;
  if (r !== null) {
    if (r.widthBytes !== 4 && r.widthBytes !== 8) {
      throw new HartStateInvalid('reservation.widthBytes', '4 or 8', String(r.widthBytes));
    }
    checkU64('reservation.address', r.address);
    checkU64('reservation.value', r.value);
  }
}

function checkU64(field: string, value: unknown): void {
  if (typeof value !== 'bigint' || value < 0n || value >= U64_LIMIT) {
    throw new HartStateInvalid(field, 'a bigint in 0..2^64-1', describe(value));
  }
}

function checkRegisters(field: string, values: unknown): void {
  if (!Array.isArray(values) || values.length !== 32) {
    throw new HartStateInvalid(field, 'an array of 32 bigints', describe(values));
  }
  values.forEach((v, i) => {
    checkU64(`${field}[${String(i)}]`, v);
  });
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return `an array of ${String(value.length)}`;
  return typeof value === 'bigint' ? `${String(value)}n` : `${typeof value} ${String(value)}`;
}
