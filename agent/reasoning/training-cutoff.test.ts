import { describe, expect, it } from 'vitest';
import { trainingCutoffFor, trainingCutoffWarning } from './training-cutoff.js';

const day = (iso: string) => Date.parse(`${iso}T00:00:00Z`) / 1000;

describe('training cutoff', () => {
  it('takes the longest known prefix and the later of configured and known dates', () => {
    expect(trainingCutoffFor('gpt-4o-mini-2024-07-18')).toBe('2023-10-01');
    expect(trainingCutoffFor('gpt-4.1-nano')).toBe('2024-06-01');
    expect(trainingCutoffFor('gpt-4o-mini', '2024-01-01')).toBe('2024-01-01');
    expect(trainingCutoffFor('gpt-4.1', '2023-01-01')).toBe('2024-06-01');
    expect(trainingCutoffFor('llama3.1:8b', '2023-12-01')).toBe('2023-12-01');
    expect(trainingCutoffFor('llama3.1:8b')).toBeUndefined();
    expect(trainingCutoffFor('llama3.1:8b', undefined, { llama: '2023-12-01' })).toBe('2023-12-01');
  });

  it('warns when the period starts before the cutoff, with the share of it', () => {
    const warning = trainingCutoffWarning({ model: 'gpt-4o-mini', from: day('2023-07-01'), to: day('2024-01-01') });
    expect(warning).toMatch(/2023-07-01\.\.2024-01-01 starts before gpt-4o-mini's training cutoff \(2023-10-01\): 50 %/);
    expect(trainingCutoffWarning({ model: 'gpt-4o-mini', from: day('2024-01-01'), to: day('2024-06-01') })).toBeUndefined();
    expect(trainingCutoffWarning({ model: 'my-model', from: day('2020-01-01'), to: day('2021-01-01') })).toBeUndefined();
    expect(trainingCutoffWarning({ model: 'my-model', from: day('2020-01-01'), to: day('2021-01-01'), cutoff: '2025-01-01' })).toMatch(/100 %/);
  });
});
