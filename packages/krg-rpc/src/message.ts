// The RPC messages that travel inside reliable-link packets, as compact
// arrays (encoded by ghost-io's codec). A conversation is named by the
// client's node id and a conversation id the client allocated; `toServer`
// tells the receiver which side of the conversation a message is for.

export const M_BEGIN = 0;
export const M_DATA = 1;
export const M_END = 2;
export const M_CANCEL = 3;
export const M_RESULT = 4;
export const M_CREDIT = 5;

/** How a conversation was opened. */
export const MODE_CALL = 0;
export const MODE_CAST = 1;
export const MODE_DESCRIPTOR = 2;

export type Message =
  | { kind: typeof M_BEGIN; convId: number; serviceId: number; mode: number; args: unknown }
  | { kind: typeof M_DATA; convId: number; toServer: boolean; bytes: Uint8Array }
  | { kind: typeof M_END; convId: number; toServer: boolean }
  | { kind: typeof M_CANCEL; convId: number; toServer: boolean }
  | { kind: typeof M_RESULT; convId: number; isOk: boolean; value: unknown }
  | { kind: typeof M_CREDIT; convId: number; toServer: boolean; consumedBytes: number };

export function beginMessage(convId: number, serviceId: number, mode: number, args: unknown) {
  return [M_BEGIN, convId, serviceId, mode, args];
}
export function dataMessage(convId: number, toServer: boolean, bytes: Uint8Array) {
  return [M_DATA, convId, toServer ? 1 : 0, bytes];
}
export function endMessage(convId: number, toServer: boolean) {
  return [M_END, convId, toServer ? 1 : 0];
}
export function cancelMessage(convId: number, toServer: boolean) {
  return [M_CANCEL, convId, toServer ? 1 : 0];
}
export function resultMessage(convId: number, isOk: boolean, value: unknown) {
  return [M_RESULT, convId, isOk ? 1 : 0, value];
}
export function creditMessage(convId: number, toServer: boolean, consumedBytes: number) {
  return [M_CREDIT, convId, toServer ? 1 : 0, consumedBytes];
}

function isUint(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}

/** Parses a decoded message; null for anything malformed (the caller drops and counts it). */
export function parseMessage(value: unknown): Message | null {
  if (!Array.isArray(value) || value.length < 3) return null;
  const kind: unknown = value[0];
  const convId: unknown = value[1];
  if (!isUint(convId)) return null;
  switch (kind) {
    case M_BEGIN: {
      const serviceId: unknown = value[2];
      const mode: unknown = value[3];
      if (value.length !== 5 || !isUint(serviceId) || !isUint(mode) || mode > MODE_DESCRIPTOR) {
        return null;
      }
      return { kind, convId, serviceId, mode, args: value[4] };
    }
    case M_DATA: {
      const bytes: unknown = value[3];
      if (value.length !== 4 || !(bytes instanceof Uint8Array)) return null;
      return { kind, convId, toServer: value[2] === 1, bytes };
    }
    case M_END:
    case M_CANCEL:
      if (value.length !== 3) return null;
      return { kind, convId, toServer: value[2] === 1 };
    case M_RESULT:
      if (value.length !== 4) return null;
      return { kind, convId, isOk: value[2] === 1, value: value[3] };
    case M_CREDIT: {
      const consumedBytes: unknown = value[3];
      if (value.length !== 4 || !isUint(consumedBytes)) return null;
      return { kind, convId, toServer: value[2] === 1, consumedBytes };
    }
    default:
      return null;
  }
}

/** How a handler's failure travels: its `code` (or name) and message. */
export function describeError(error: unknown): [string, string] {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return [typeof code === 'string' ? code : error.name, error.message];
  }
  return ['Error', String(error)];
}
