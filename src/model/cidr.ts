/**
 * CIDR blocks as EC2 reads them. EC2 keeps a rule's network address and prefix length and drops the host
 * bits (`192.168.1.0/0` is stored and enforced as `0.0.0.0/0`), and accepts IPv6 in any RFC 4291 text form
 * (`0000:0000:0000:0000:0000:0000:0000:0000/0` is `::/0`). A block that is not an address with a prefix
 * length EC2 refuses ("InvalidParameterValue … CIDR block … is malformed", EC2 API AuthorizeSecurityGroupIngress).
 */
export interface Cidr {
  family: 4 | 6;
  prefix: number;
  /** The block with its host bits cleared, IPv6 in RFC 5952 form: what EC2 enforces. */
  canonical: string;
}

export function parseCidr(text: string): Cidr | undefined {
  const match = /^([^/\s]+)\/(\d{1,3})$/.exec(text.trim());
  if (!match) return undefined;
  const prefix = Number(match[2]);
  const address = match[1];
  if (address.includes(':')) {
    if (prefix > 128) return undefined;
    const groups = ipv6Groups(address);
    if (!groups) return undefined;
    const masked = maskGroups(groups, prefix, 16);
    return { family: 6, prefix, canonical: `${formatIpv6(masked)}/${prefix}` };
  }
  if (prefix > 32) return undefined;
  const parts = address.split('.');
  if (parts.length !== 4 || parts.some((p) => !/^\d{1,3}$/.test(p) || Number(p) > 255)) return undefined;
  const masked = maskGroups(parts.map(Number), prefix, 8);
  return { family: 4, prefix, canonical: `${masked.join('.')}/${prefix}` };
}

/** Whether a block covers every address of its family (any /0). */
export function isEveryAddress(cidr: Cidr): boolean {
  return cidr.prefix === 0;
}

function maskGroups(groups: number[], prefix: number, bits: number): number[] {
  return groups.map((value, index) => {
    const keep = Math.max(0, Math.min(bits, prefix - index * bits));
    if (keep === 0) return 0;
    const mask = ((1 << bits) - 1) ^ ((1 << (bits - keep)) - 1);
    return value & mask;
  });
}

/** The eight 16-bit groups of an IPv6 address (with `::` and an embedded IPv4 tail), or undefined. */
function ipv6Groups(address: string): number[] | undefined {
  let text = address.toLowerCase();
  const tail: number[] = [];
  const ipv4 = /(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (ipv4) {
    const octets = ipv4.slice(1).map(Number);
    if (octets.some((o) => o > 255)) return undefined;
    tail.push((octets[0] << 8) | octets[1], (octets[2] << 8) | octets[3]);
    text = text.slice(0, ipv4.index);
    if (text.endsWith(':') && !text.endsWith('::')) text = text.slice(0, -1);
  }
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const parse = (part: string) => (part === '' ? [] : part.split(':'));
  const head = parse(halves[0]);
  const rest = halves.length === 2 ? parse(halves[1]) : [];
  if ([...head, ...rest].some((g) => !/^[0-9a-f]{1,4}$/.test(g))) return undefined;
  const written = head.length + rest.length + tail.length;
  if (halves.length === 1 ? written !== 8 : written > 7) return undefined;
  const zeros = new Array<number>(8 - written).fill(0);
  return [
    ...head.map((g) => parseInt(g, 16)),
    ...(halves.length === 2 ? zeros : []),
    ...rest.map((g) => parseInt(g, 16)),
    ...tail,
  ];
}

/** RFC 5952: lower case, no leading zeros, the longest run of two or more zero groups as `::`. */
function formatIpv6(groups: number[]): string {
  let bestStart = -1;
  let bestLength = 1;
  for (let start = 0; start < 8; start++) {
    let length = 0;
    while (start + length < 8 && groups[start + length] === 0) length++;
    if (length > bestLength) {
      bestStart = start;
      bestLength = length;
    }
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLength).join(':')}`;
}
