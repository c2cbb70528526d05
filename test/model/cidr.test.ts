import { describe, expect, it } from 'vitest';
import { isEveryAddress, parseCidr } from '../../src/model/cidr.js';
import { peerIsEverywhere } from '../../src/model/queries.js';

describe('CIDR blocks as EC2 reads them', () => {
  it.each([
    ['0.0.0.0/0', '0.0.0.0/0', true],
    // AWS's own sample templates default SSHLocation to this: EC2 drops the host bits.
    ['192.168.1.0/0', '0.0.0.0/0', true],
    ['10.1.2.3/8', '10.0.0.0/8', false],
    ['172.16.5.4/12', '172.16.0.0/12', false],
    ['::/0', '::/0', true],
    ['0000:0000:0000:0000:0000:0000:0000:0000/0', '::/0', true],
    ['2001:DB8::1/32', '2001:db8::/32', false],
    ['2001:db8:0:0:1:0:0:1/128', '2001:db8::1:0:0:1/128', false],
    ['fe80::1/0', '::/0', true],
  ])('%s is %s', (written, canonical, everyone) => {
    const cidr = parseCidr(written)!;
    expect(cidr.canonical).toBe(canonical);
    expect(isEveryAddress(cidr)).toBe(everyone);
    expect(peerIsEverywhere(written)).toBe(everyone);
  });

  it.each([
    '0.0.0.0',
    '/0',
    '1.2.3/8',
    '256.0.0.0/8',
    '10.0.0.0/33',
    '::/129',
    '1::2::3/0',
    '1:2:3:4:5:6:7:8:9/64',
    'g::/0',
  ])('%s is not a block EC2 accepts', (written) => {
    expect(parseCidr(written)).toBeUndefined();
    expect(peerIsEverywhere(written)).toBe(false);
  });
});
