// Where the committed guest binaries live (tools/guests/bin), for tests.
import { fileURLToPath } from 'node:url';

const binDirectory = fileURLToPath(new URL('../../../../tools/guests/bin/', import.meta.url));

export function guestPath(name: string): string {
  return `${binDirectory}${name}`;
}
