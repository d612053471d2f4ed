// The test helper's TOTP against the RFC 6238 appendix B vectors (SHA-1 secret
// "12345678901234567890"), so a failing sign-in is never the helper's fault.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { base32Decode, timeStep, totp } from '../lib/totp.mjs';

const SECRET = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ'; // base32 of "12345678901234567890"

describe('TOTP helper', () => {
  it('decodes base32', () => {
    assert.equal(base32Decode(SECRET).toString('ascii'), '12345678901234567890');
    assert.equal(base32Decode('gezd gnbv gy3t qojq gezd gnbv gy3t qojq').toString('ascii'), '12345678901234567890');
  });

  it('matches RFC 6238 (last six digits of the eight-digit vectors)', () => {
    const vectors = [
      [59, '94287082'],
      [1111111109, '07081804'],
      [1111111111, '14050471'],
      [1234567890, '89005924'],
      [2000000000, '69279037'],
      [20000000000, '65353130'],
    ];
    for (const [seconds, expected] of vectors) {
      assert.equal(totp(SECRET, timeStep(seconds * 1000)), expected.slice(-6), `T = ${seconds}`);
    }
  });
});
