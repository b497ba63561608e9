// The consoles: a process's stdin, stdout and stderr as krg's own host file
// descriptors present them. Output goes to a sink (krg's stdout or stderr,
// byte for byte); input comes from a source that the kernel feeds through
// the engine's host gate, so a piped run is reproducible. A console answers
// fstat and TCGETS as the host fd would (a terminal only when it is one, as
// qemu does), since glibc's buffering choices depend on it.
import { WaitQueue } from '@krg/epm-core';
import { OpenFile } from './open-file.js';
import { O_RDONLY, O_WRONLY } from './open-flags.js';
import { S_IFCHR, S_IFIFO, S_IFREG } from './stat.js';

export type ConsoleRole = 'stdin' | 'stdout' | 'stderr';

/** What the host fd behind a console is. */
export type HostFdKind = 'terminal' | 'pipe' | 'file';

export interface ConsoleSink {
  write(bytes: Uint8Array): void;
}

/** Host input as the kernel hands it to a console (fed by the engine's host gate). */
export class ConsoleInput {
  #chunks: Uint8Array[] = [];
  #isEnded = false;
  #isRequested = false;
  readonly readable = new WaitQueue();
  /** Called when a reader finds no data: the kernel then fetches more from the host. */
  onDemand: () => void = () => {};

  constructor(readonly hostKind: HostFdKind) {}

  /** Data arrived from the host (an engine event). */
  push(bytes: Uint8Array): void {
    this.#isRequested = false;
    if (bytes.length > 0) this.#chunks.push(bytes);
    this.readable.wakeAll();
  }

  /** The host input ended (an engine event). */
  end(): void {
    this.#isRequested = false;
    this.#isEnded = true;
    this.readable.wakeAll();
  }

  get isWaitingForHost(): boolean {
    return this.#isRequested;
  }

  /**
   * What a reader would find now, without taking anything: poll(2)'s view.
   * When nothing is buffered the host is asked for more, as a read would.
   */
  peek(): 'data' | 'eof' | 'block' {
    if (this.#chunks.length > 0) return 'data';
    if (this.#isEnded) return 'eof';
    if (!this.#isRequested) {
      this.#isRequested = true;
      this.onDemand();
    }
    return 'block';
  }

  /** Up to `max` bytes, EOF, or 'block' after asking the host for more. */
  read(max: number): Uint8Array | 'eof' | 'block' {
    const first = this.#chunks[0];
    if (first === undefined) {
      if (this.#isEnded) return 'eof';
      if (!this.#isRequested) {
        this.#isRequested = true;
        this.onDemand();
      }
      return 'block';
    }
    if (first.length <= max) {
      this.#chunks.shift();
      return first;
    }
    this.#chunks[0] = first.subarray(max);
    return first.subarray(0, max);
  }
}

export class ConsoleFile extends OpenFile {
  readonly kind = 'console';

  private constructor(
    statusFlags: number,
    /** Which standard stream this is: a restart reattaches it to the new run's stream of that role. */
    readonly role: ConsoleRole,
    readonly hostKind: HostFdKind,
    readonly sink: ConsoleSink | undefined,
    readonly input: ConsoleInput | undefined,
  ) {
    super(statusFlags);
  }

  static output(role: 'stdout' | 'stderr', sink: ConsoleSink, hostKind: HostFdKind): ConsoleFile {
    return new ConsoleFile(O_WRONLY, role, hostKind, sink, undefined);
  }

  static input(input: ConsoleInput): ConsoleFile {
    return new ConsoleFile(O_RDONLY, 'stdin', input.hostKind, undefined, input);
  }

  get isTerminal(): boolean {
    return this.hostKind === 'terminal';
  }

  /** st_mode's file type as the host fd would report it. */
  get fileType(): number {
    return this.hostKind === 'terminal' ? S_IFCHR : this.hostKind === 'pipe' ? S_IFIFO : S_IFREG;
  }

  protected onLastRelease(): void {}
}
