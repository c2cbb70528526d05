import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { InputError, UsageError, formatProblem } from '../errors.js';
import type { AttestationResult, VerifyAttestationOptions } from '../attest/index.js';
import type { CliContext } from './context.js';

interface AttestFlags {
  at?: string;
  maxAge?: string;
  nonce?: string;
  userData?: string;
  publicKey?: string;
  root?: string;
  expected?: string;
  image?: string;
  check?: string[];
  allowDebug?: boolean;
  json?: boolean;
}

/** The largest file `attest` reads as a document, key or root (a document is about 4.5 KiB). */
const MAX_READ_BYTES = 4 * 1024 * 1024;

/**
 * `isolint attest DOC`: verify a Nitro Enclaves attestation document offline. Exit 0 verified, 1 genuine but
 * a binding or expectation failed, 2 not a valid document (or bad usage). Everything is loaded on first use:
 * other commands pay nothing for the verifier.
 */
export function registerAttestCommand(program: Command, ctx: CliContext): void {
  program
    .command('attest')
    .description(
      'verify a Nitro Enclaves attestation document offline: COSE/CBOR, ES384 signature, chain to the AWS root, freshness, and what it attests to',
    )
    .argument('<document>', 'the document: raw COSE_Sign1 bytes, base64, hex, or JSON holding it ("-" reads stdin)')
    .option(
      '--at <time>',
      "verification time: ISO 8601, milliseconds since the epoch, or 'timestamp' (the document's own)",
    )
    .option('--max-age <duration>', 'reject a document older than this at --at (500ms, 90s, 5m, 2h, 1d)')
    .option('--nonce <hex>', 'the nonce the document must carry')
    .option('--user-data <hex|@file>', 'the user_data the document must carry (hex, or @FILE for its bytes)')
    .option('--public-key <pem>', 'PEM file (or text) of the public key the document must carry')
    .option('--root <pem>', 'trust this root certificate instead of the bundled AWS Nitro Enclaves root')
    .option('--expected <file>', 'JSON file of expected PCRs, as measure --expected takes')
    .option('--image <eif>', 'the enclave image the document should be for: measured now, PCR0/1/2 (and 8) compared')
    .option('--check <paths...>', 'scan a deployment and say which KMS keys would accept the document')
    .option('--allow-debug', 'do not fail on a debug-mode document (PCR0/1/2 all zero)')
    .option('--json', 'print every decoded field and each check as JSON')
    .action(async (documentArgument: string, flags: AttestFlags) => {
      const attest = await import('../attest/index.js');
      const given = documentArgument;
      const raw = given === '-' ? await readStdin() : await readInput(path.resolve(ctx.cwd, given), given);
      let bytes: Uint8Array | undefined;
      let inputProblem: string | undefined;
      try {
        bytes = attest.documentBytes(raw);
      } catch (error) {
        if (!(error instanceof attest.AttestationFormatError)) throw error;
        inputProblem = error.message;
      }
      const options: VerifyAttestationOptions = {};
      if (flags.maxAge !== undefined) options.maxAgeMs = parseDuration(flags.maxAge);
      if (flags.nonce !== undefined) options.nonce = flags.nonce;
      if (flags.userData !== undefined) {
        options.userData = flags.userData.startsWith('@')
          ? await readInput(path.resolve(ctx.cwd, flags.userData.slice(1)), flags.userData.slice(1))
          : flags.userData;
      }
      if (flags.publicKey !== undefined) options.publicKey = await pemArgument(flags.publicKey, ctx);
      if (flags.root !== undefined) options.root = await pemArgument(flags.root, ctx);
      if (flags.allowDebug) options.allowDebug = true;
      if (flags.expected !== undefined) {
        const { loadExpectedPcrs } = await import('../eif/expected.js');
        options.expectedPcrs = await named(
          loadExpectedPcrs(path.resolve(ctx.cwd, flags.expected)),
          ctx,
          flags.expected,
        );
      }
      if (flags.image !== undefined) {
        const { measureEif } = await import('../eif/measure.js');
        const description = await named(measureEif(path.resolve(ctx.cwd, flags.image)), ctx, flags.image);
        options.imagePcrs = description.pcrs;
      }
      if (flags.check !== undefined) {
        const { check } = await import('../check.js');
        const scan = await check({ paths: flags.check, cwd: ctx.cwd });
        for (const problem of scan.problems) {
          ctx.stderr.write(
            `isolint: ${problem.level === 'warning' ? 'warning: ' : ''}${formatProblem(problem.message, problem)}\n`,
          );
        }
        options.deployment = scan.graph;
      }

      let result: AttestationResult;
      if (bytes === undefined) {
        result = {
          verdict: 'invalid',
          reason: inputProblem!,
          certificates: [],
          debugMode: false,
          checks: [{ id: 'structure', status: 'fail', message: inputProblem! }],
          verifiedAt: new Date().toISOString(),
        };
      } else {
        // 'timestamp' verifies as of the document's own time: for archived documents, never for fresh ones.
        if (flags.at === 'timestamp') {
          const decoded = safeTimestamp(bytes, attest.decodeAttestationDocument);
          if (decoded !== undefined) options.at = new Date(decoded);
        } else if (flags.at !== undefined) options.at = parseTime(flags.at);
        try {
          result = attest.verifyAttestation(bytes, options);
        } catch (error) {
          if (error instanceof attest.AttestationOptionError) throw new UsageError(error.message);
          throw error;
        }
      }
      if (flags.json) ctx.stdout.write(`${JSON.stringify(attest.attestationToJson(result), null, 2)}\n`);
      else ctx.stdout.write(`${textLines(result, given, attest.formatDuration).join('\n')}\n`);
      if (result.verdict !== 'verified') ctx.stderr.write(`isolint: ${given}: ${result.reason}\n`);
      ctx.exitCode = result.verdict === 'verified' ? 0 : result.verdict === 'binding-failed' ? 1 : 2;
    });
}

function textLines(result: AttestationResult, shown: string, formatDuration: (ms: number) => string): string[] {
  const headline =
    result.verdict === 'verified'
      ? `verified${result.debugMode ? ' (debug-mode enclave, allowed)' : ''}`
      : result.verdict === 'binding-failed'
        ? `genuine, but not what was expected: ${result.reason}`
        : `NOT a valid attestation document: ${result.reason}`;
  const lines = [`${shown}: ${headline}`];
  const document = result.document;
  if (document) {
    const age = new Date(result.verifiedAt).getTime() - document.timestamp;
    lines.push(`  module       ${document.moduleId}`);
    lines.push(
      `  timestamp    ${new Date(document.timestamp).toISOString()} (${age >= 0 ? `${formatDuration(age)} before` : `${formatDuration(-age)} after`} ${result.verifiedAt})`,
    );
    lines.push(
      `  encoding     COSE_Sign1 ${document.tagged ? 'tag 18' : 'untagged'}, ${document.algorithm}, ${document.payloadEncoding}-length payload map`,
    );
    for (const [index, value] of Object.entries(document.pcrs)) {
      if (Number(index) <= 2 || !/^0+$/.test(value)) lines.push(`  ${`PCR${index}`.padEnd(13)}${value}`);
    }
    const field = (bytes: Uint8Array | null) =>
      bytes === null
        ? 'null'
        : `${bytes.length} bytes${bytes.length <= 32 ? ` ${Buffer.from(bytes).toString('hex')}` : ''}`;
    lines.push(`  nonce        ${field(document.nonce)}`);
    lines.push(`  user_data    ${field(document.userData)}`);
    lines.push(`  public_key   ${field(document.publicKey)}`);
  }
  for (const certificate of result.certificates) {
    lines.push(
      `  ${certificate.role.padEnd(13)}${certificate.subject} (${certificate.notBefore} to ${certificate.notAfter})`,
    );
  }
  if (result.checks.length > 0) lines.push('  checks');
  for (const check of result.checks) {
    lines.push(
      `    ${check.status === 'pass' ? 'ok  ' : check.status === 'fail' ? 'FAIL' : 'skip'}  ${check.id.padEnd(14)}${check.message}`,
    );
  }
  if (result.keys) {
    lines.push('  KMS keys');
    for (const key of result.keys) {
      const verdict = key.unlocks === true ? 'unlocks' : key.unlocks === false ? 'refuses' : 'unknown';
      lines.push(`    ${verdict.padEnd(8)}'${key.key}' (${key.file}:${key.line}): ${key.reason}`);
    }
  }
  return lines;
}

function safeTimestamp(bytes: Uint8Array, decode: (bytes: Uint8Array) => { timestamp: number }): number | undefined {
  try {
    return decode(bytes).timestamp;
  } catch {
    return undefined; // the verification reports the structural error itself
  }
}

async function readInput(file: string, given: string): Promise<Uint8Array> {
  try {
    const { size } = await (await import('node:fs/promises')).stat(file);
    if (size > MAX_READ_BYTES)
      throw new InputError(`${size} bytes, larger than any attestation input`, { file: given });
    return new Uint8Array(await readFile(file));
  } catch (error) {
    if (error instanceof InputError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw new InputError(
      code === 'EISDIR' ? 'is a directory, not a file' : `cannot read: ${(error as Error).message}`,
      {
        file: given,
      },
    );
  }
}

async function readStdin(): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of process.stdin) {
    total += (chunk as Buffer).length;
    if (total > MAX_READ_BYTES) throw new InputError('larger than any attestation input', { file: '-' });
    chunks.push(chunk as Buffer);
  }
  return new Uint8Array(Buffer.concat(chunks));
}

/** A PEM given inline (it starts with -----BEGIN) or as a file. */
async function pemArgument(value: string, ctx: CliContext): Promise<string> {
  if (value.trimStart().startsWith('-----BEGIN')) return value;
  return Buffer.from(await readInput(path.resolve(ctx.cwd, value), value)).toString('utf8');
}

/** Errors name files as the user typed them. */
async function named<T>(work: Promise<T>, ctx: CliContext, given: string): Promise<T> {
  try {
    return await work;
  } catch (error) {
    if (error instanceof InputError && error.place.file === path.resolve(ctx.cwd, given)) {
      throw new InputError(error.message, { ...error.place, file: given });
    }
    throw error;
  }
}

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, min: 60_000, h: 3_600_000, d: 86_400_000 };

export function parseDuration(text: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*(ms|s|min|m|h|d)$/.exec(text.trim());
  if (!match) throw new UsageError(`--max-age: '${text}' is not a duration (examples: 500ms, 90s, 5m, 2h, 1d)`);
  return Number(match[1]) * UNITS[match[2]];
}

export function parseTime(text: string): Date {
  const value = /^\d+$/.test(text) ? new Date(Number(text)) : new Date(text);
  if (Number.isNaN(value.getTime()) || !/^\d+$|^\d{4}-\d{2}-\d{2}/.test(text)) {
    throw new UsageError(
      `--at: '${text}' is not a time (ISO 8601 such as 2025-12-25T13:20:00Z, milliseconds since the epoch, or 'timestamp')`,
    );
  }
  return value;
}
