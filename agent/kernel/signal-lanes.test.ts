import { describe, expect, it } from 'vitest';
import { createSignalLanes } from './signal-lanes.js';

type Job = { lane: number; name: string };

function manualLanes(count: number) {
  const started: string[] = [];
  const superseded: [string, string][] = [];
  const release = new Map<string, () => void>();
  const lanes = createSignalLanes<Job>({
    count,
    process: (job) =>
      new Promise<void>((resolve) => {
        started.push(job.name);
        release.set(job.name, resolve);
      }),
    superseded: (job, by) => superseded.push([job.name, by.name]),
  });
  const finish = async (name: string) => {
    release.get(name)!();
    await new Promise((resolve) => setImmediate(resolve));
  };
  return { lanes, started, superseded, finish };
}

describe('createSignalLanes', () => {
  it('runs one job per lane at a time, keeps the latest waiting one, and supersedes the rest', async () => {
    const { lanes, started, superseded, finish } = manualLanes(1);
    void lanes.push({ lane: 0, name: 'a' });
    void lanes.push({ lane: 0, name: 'b' });
    void lanes.push({ lane: 0, name: 'c' });
    expect(started).toEqual(['a']);
    expect(superseded).toEqual([['b', 'c']]);
    expect(lanes.pending).toBe(2);
    await finish('a');
    expect(started).toEqual(['a', 'c']);
    await finish('c');
    expect(lanes.pending).toBe(0);
  });

  it('keeps lanes independent and resolves idle() only when every lane is done', async () => {
    const { lanes, started, finish } = manualLanes(2);
    let idle = false;
    void lanes.push({ lane: 0, name: 'x' });
    void lanes.push({ lane: 1, name: 'y' }).then(() => (idle = true));
    expect(started).toEqual(['x', 'y']);
    await finish('x');
    expect(idle).toBe(false);
    await finish('y');
    expect(idle).toBe(true);
    await expect(lanes.idle()).resolves.toBeUndefined();
  });
});
