import { describe, expect, it } from 'vitest';
import { checkConsoleExposure, ConsoleSecurityError, consoleContentSecurityPolicy, isConsoleToken, isLoopbackHost, viewerRpcOrigin } from './console-security.js';

describe('console security', () => {
  it('serves beyond loopback only with a token of 16 characters or more', () => {
    for (const host of ['127.0.0.1', '127.3.2.1', 'localhost', '::1']) expect(isLoopbackHost(host)).toBe(true);
    for (const host of ['0.0.0.0', '::', '192.168.1.4', 'console.example']) expect(isLoopbackHost(host)).toBe(false);
    expect(() => checkConsoleExposure('127.0.0.1', undefined)).not.toThrow();
    expect(() => checkConsoleExposure('0.0.0.0', undefined)).toThrow(ConsoleSecurityError);
    expect(() => checkConsoleExposure('0.0.0.0', 'short')).toThrow(/too short/);
    expect(() => checkConsoleExposure('0.0.0.0', 'a-long-enough-token')).not.toThrow();
    expect(isConsoleToken('a-long-enough-token', 'a-long-enough-token')).toBe(true);
    expect(isConsoleToken('a-long-enough-tokeN', 'a-long-enough-token')).toBe(false);
    expect(isConsoleToken('a', 'a-long-enough-token')).toBe(false);
  });

  it('lets only the origin of an http(s) RPC a viewer names into the policy', () => {
    expect(viewerRpcOrigin('https://eth.example/v2/secret-key?x=1')).toBe('https://eth.example');
    expect(viewerRpcOrigin('http://127.0.0.1:8545')).toBe('http://127.0.0.1:8545');
    for (const bad of ["javascript:alert(1)", 'data:text/plain,x', "https://a.example; script-src 'unsafe-inline'", 'not a url', '', null]) {
      const origin = viewerRpcOrigin(bad);
      expect(origin === undefined || !/[;\s']/.test(origin)).toBe(true);
    }
    expect(viewerRpcOrigin('javascript:alert(1)')).toBeUndefined();
  });

  it('writes a policy with nothing inline and connections to itself and the named RPC only', () => {
    expect(consoleContentSecurityPolicy()).toBe("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'");
    expect(consoleContentSecurityPolicy({ connect: ['https://eth.example'] })).toContain("connect-src 'self' https://eth.example;");
    expect(consoleContentSecurityPolicy({ meta: true })).not.toContain('frame-ancestors');
  });
});
