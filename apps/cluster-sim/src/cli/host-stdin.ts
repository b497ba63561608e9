// Host stdin as engine events. When stdin is not a terminal it is delivered
// in fixed-size chunks (the final one short at EOF) whatever sizes the host
// pipe produced, so a piped run is reproducible; from a terminal, line by
// line. Reads enter the simulation through the engine's host gate, so while
// processes wait only for host input, simulated time does not run ahead.

/** Size of the chunks piped stdin is delivered in, in bytes. */
export const STDIN_CHUNK_BYTES = 4096;

export class HostStdin {
  #buffered: Buffer = Buffer.alloc(0);
  #isEnded = false;
  #waiter: (() => void) | undefined;
  #isStarted = false;

  constructor(
    private readonly stream: NodeJS.ReadableStream & { pause(): unknown; resume(): unknown },
    readonly isTerminal: boolean,
  ) {}

  /** The next chunk: up to STDIN_CHUNK_BYTES (or one line from a terminal); empty at EOF. */
  async next(): Promise<Uint8Array> {
    this.#start();
    for (;;) {
      const chunk = this.#take();
      if (chunk !== undefined) return chunk;
      if (this.#isEnded) return new Uint8Array(0);
      await new Promise<void>((resolve) => {
        this.#waiter = resolve;
        this.stream.resume();
      });
    }
  }

  /** Stops reading (the run is over). */
  close(): void {
    this.stream.pause();
    this.stream.removeAllListeners('data');
    this.stream.removeAllListeners('end');
    // Do not keep the host process alive waiting for input nobody reads.
    if ('destroy' in this.stream && typeof this.stream.destroy === 'function' && !this.isTerminal) {
      (this.stream.destroy as () => void).call(this.stream);
    }
  }

  #take(): Uint8Array | undefined {
    const b = this.#buffered;
    if (this.isTerminal) {
      const nl = b.indexOf(10);
      if (nl >= 0 || (this.#isEnded && b.length > 0)) {
        const end = nl >= 0 ? nl + 1 : b.length;
        this.#buffered = b.subarray(end);
        return b.subarray(0, end);
      }
      return undefined;
    }
    if (b.length >= STDIN_CHUNK_BYTES || (this.#isEnded && b.length > 0)) {
      const end = Math.min(STDIN_CHUNK_BYTES, b.length);
      this.#buffered = b.subarray(end);
      return b.subarray(0, end);
    }
    return undefined;
  }

  #start(): void {
    if (this.#isStarted) return;
    this.#isStarted = true;
    const wake = (): void => {
      const w = this.#waiter;
      this.#waiter = undefined;
      w?.();
    };
    this.stream.on('data', (data: Buffer) => {
      this.#buffered = this.#buffered.length === 0 ? data : Buffer.concat([this.#buffered, data]);
      // Enough for a chunk: stop reading until the guest asks again (bounded memory).
      if (this.#buffered.length >= STDIN_CHUNK_BYTES) this.stream.pause();
      wake();
    });
    this.stream.on('end', () => {
      this.#isEnded = true;
      wake();
    });
    this.stream.on('error', () => {
      this.#isEnded = true;
      wake();
    });
  }
}
