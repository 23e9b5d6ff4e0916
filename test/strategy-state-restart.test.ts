/**
 * Strategy state across a crash (issue 12): `mandate run` with a stateful strategy (a fast moving-average
 * cross on the oracle) is killed with SIGKILL at random moments while the market keeps replaying, and
 * restarted each time. Its signals must equal those of an uninterrupted run over the same rounds: nothing
 * forgotten (the averages are restored from the checkpoint) and nothing decided twice (signals of events
 * read again after the checkpoint are told their recorded outcome).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { AnvilInstance } from '../agent/chain/anvil.js';
import { runMarketDriver } from '../agent/devnet/market-driver.js';
import { createSeededRandom } from '../agent/devnet/seeded-random.js';
import { openJournal } from '../agent/journal/open-journal.js';
import { systemClock } from '../agent/model/clock.js';
import { startRunDevnet, type RunDevnetFixture } from './support/run-devnet-fixture.js';

const repoRoot = resolve(fileURLToPath(import.meta.url), '../..');
const mandate = join(repoRoot, 'bin/mandate.js');
const rounds = 36;
const strategies = [{ id: 'fast-trend', use: 'trend', params: { fastPeriod: 2, slowPeriod: 4 }, poolFee: 500 }];
const anvils: AnvilInstance[] = [];
afterAll(async () => {
  for (const anvil of anvils) await anvil.stop();
});

type Agent = { child: ChildProcess; exited: Promise<NodeJS.Signals | null>; stderr: () => string };

async function startRun(fixture: RunDevnetFixture): Promise<Agent> {
  const child = spawn(process.execPath, [mandate, 'run', '--devnet', '--json', '--journal', fixture.journalPath, '--config', fixture.configPath], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  const exited = new Promise<NodeJS.Signals | null>((done) => child.once('exit', (_code, signal) => done(signal)));
  child.stdout!.resume();
  await new Promise<void>((up) => {
    child.stderr!.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      if (stderr.includes('Ctrl-C or SIGTERM stops it')) up();
    });
    void exited.then(() => up());
  });
  return { child, exited, stderr: () => stderr };
}

const pause = (ms: number) => new Promise((done) => setTimeout(done, ms));

/** The journal's signals: which event triggered each, and what the strategy said. */
function signalsOf(journalPath: string): string[] {
  const journal = openJournal({ path: journalPath, clock: systemClock });
  try {
    return journal.decisions
      .list()
      .filter((decision) => decision.content.signal !== undefined)
      .map((decision) => `${decision.trigger} ${decision.content.signal!.side} ${decision.content.signal!.reason}`);
  } finally {
    journal.close();
  }
}

describe('strategy state across SIGKILL and restart', () => {
  it('gives the same signals as an uninterrupted run on the same rounds, none twice', async () => {
    // The uninterrupted run.
    const steady = await startRunDevnet('mandate-state-steady-', { strategies });
    anvils.push(steady.anvil);
    const agent = await startRun(steady);
    for (let round = 0; round < rounds; round++) {
      await runMarketDriver({ manifest: steady.manifest, maxRounds: 1 });
      await pause(250);
    }
    await pause(1000);
    agent.child.kill('SIGTERM');
    await agent.exited;
    const expected = signalsOf(steady.journalPath);
    expect(expected.length).toBeGreaterThanOrEqual(4);

    // The same rounds, with the agent killed at random moments and restarted each time.
    const crashy = await startRunDevnet('mandate-state-crashy-', { strategies });
    anvils.push(crashy.anvil);
    const random = createSeededRandom(11);
    let replayed = 0;
    let kills = 0;
    let current = await startRun(crashy);
    while (replayed < rounds) {
      await runMarketDriver({ manifest: crashy.manifest, maxRounds: 1 });
      replayed += 1;
      await pause(50 + Math.floor(random.next() * 250));
      if (random.next() < 0.3 && replayed < rounds) {
        current.child.kill('SIGKILL');
        expect(await current.exited).toBe('SIGKILL');
        kills += 1;
        current = await startRun(crashy);
      }
    }
    await pause(1000);
    expect(current.stderr()).toContain('Resumed interrupted run');
    current.child.kill('SIGTERM');
    await current.exited;
    expect(kills).toBeGreaterThanOrEqual(3);

    const actual = signalsOf(crashy.journalPath);
    expect(new Set(actual).size).toBe(actual.length);
    expect(actual).toEqual(expected);
  }, 240_000);
});
