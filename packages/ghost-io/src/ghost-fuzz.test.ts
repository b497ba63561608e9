// The short, seeded slice of the fuzz lane (`pnpm run fuzz` runs a long one).
// KRG_SEED=<seed> replays a failure.
import { describe, expect, it } from 'vitest';
import { runGhostFuzz } from './ghost-fuzz.test-util.js';
import { GHOST_FRAME_MAX_PAYLOAD_BYTES } from './limits.js';

const seed = Number(process.env['KRG_SEED'] ?? 20261125);

describe(`ghost fuzz lane (seed ${seed})`, () => {
  it('meets damaged ghosts with typed errors only and bounded allocations', async () => {
    const report = await runGhostFuzz({ seed, iterations: 300 });
    expect(report.cases).toBe(300);
    expect(report.errorsByCode['GHOST_CORRUPTED']).toBeGreaterThan(100);
    expect(report.largestAllocationBytes).toBeLessThanOrEqual(GHOST_FRAME_MAX_PAYLOAD_BYTES + 24);
  });
});
