import { describe, expect, it } from 'vitest';
import { MandateError } from './base-error.js';

class InnerError extends MandateError {
  override name = 'InnerError';
}

describe('MandateError', () => {
  it('puts the short message first, then meta messages and details', () => {
    const error = new MandateError('Bad thing.', { details: 'Expected x.', metaMessages: ['value: 3'] });
    expect(error.message).toBe('Bad thing.\n\nvalue: 3\n\nDetails: Expected x.');
    expect(error.shortMessage).toBe('Bad thing.');
  });

  it('inherits details from its cause and walks the chain', () => {
    const inner = new InnerError('Inner.', { details: 'root cause' });
    const outer = new MandateError('Outer.', { cause: inner });
    expect(outer.details).toBe('root cause');
    expect(outer.walk()).toBe(inner);
    expect(outer.walk((e) => e instanceof InnerError)).toBe(inner);
    expect(outer.walk((e) => e instanceof TypeError)).toBeUndefined();
  });
});
