import path from 'node:path';
import type { Command } from 'commander';
import { InputError } from '../errors.js';
// Imported module by module, not from eif/index.js: the expected-PCR loader pulls in ajv and the JSON
// parser, which cost more start-up time than hashing a small image, so it is loaded only for --expected.
import type { EifDescription } from '../eif/measure.js';
import type { PcrComparison } from '../eif/pcr.js';
import type { CliContext } from './context.js';

/** Below this size a measurement takes well under a second: no progress bar. */
const PROGRESS_MIN_BYTES = 64 * 1024 * 1024;

interface MeasureFlags {
  json?: boolean;
  expected?: string;
}

/** `isolint measure IMAGE.eif [--json] [--expected PCRS.json]`. */
export function registerMeasureCommand(program: Command, ctx: CliContext): void {
  program
    .command('measure')
    .description('measure an enclave image (EIF): PCR0/1/2/8, CRC, signature and metadata, like nitro-cli describe-eif')
    .argument('<image>', 'the .eif file')
    .option('--json', 'print JSON in the shape of nitro-cli describe-eif (plus "Arch")')
    .option(
      '--expected <file>',
      'JSON file of expected PCRs ({"PCR0": ...} or nitro-cli\'s {"Measurements": {...}}); exit 1 on a mismatch',
    )
    .action(async (image: string, flags: MeasureFlags) => {
      // Loaded here, not at start-up: every other command (and --version) never pays for the EIF reader.
      const [{ toDescribeEifJson }, { measureEif }, { comparePcrs }, { progressBar }] = await Promise.all([
        import('../eif/describe.js'),
        import('../eif/measure.js'),
        import('../eif/pcr.js'),
        import('../eif/progress.js'),
      ]);
      const file = path.resolve(ctx.cwd, image);
      // Read the expectations first: a mistake there should not cost a pass over a large image.
      const loadExpectedPcrs = async (file: string) => (await import('../eif/expected.js')).loadExpectedPcrs(file);
      const expected = flags.expected
        ? await asGiven(
            loadExpectedPcrs(path.resolve(ctx.cwd, flags.expected)),
            path.resolve(ctx.cwd, flags.expected),
            flags.expected,
          )
        : undefined;
      const bar = progressBar(ctx.stderr, 'measuring', true);
      let description: EifDescription;
      try {
        description = await asGiven(
          measureEif(file, {
            onProgress: (done, total) => {
              if (total >= PROGRESS_MIN_BYTES) bar.update(done, total);
            },
          }),
          file,
          image,
        );
      } finally {
        bar.finish();
      }
      const comparison = expected ? comparePcrs(expected, description.pcrs) : undefined;
      if (flags.json) {
        ctx.stdout.write(`${JSON.stringify(toDescribeEifJson(description), null, 2)}\n`);
        if (comparison) ctx.stderr.write(comparisonLines(comparison, flags.expected!).join('\n') + '\n');
      } else {
        const lines = summaryLines(description, image);
        if (comparison) lines.push('', ...comparisonLines(comparison, flags.expected!));
        ctx.stdout.write(lines.join('\n') + '\n');
      }
      for (const warning of warnings(description)) ctx.stderr.write(`isolint: ${image}: ${warning}\n`);
      // A gate fails closed: a damaged image or a signature that does not verify is a failed measurement,
      // whatever PCRs it yields (nitro-cli refuses to run either).
      const broken = !description.crc.ok || (description.signature !== undefined && !description.signature.ok);
      ctx.exitCode = broken || (comparison && !comparison.ok) ? 1 : 0;
    });
}

/** Errors name files as the user typed them, not as resolved against the working directory. */
async function asGiven<T>(work: Promise<T>, resolved: string, given: string): Promise<T> {
  try {
    return await work;
  } catch (error) {
    if (error instanceof InputError && error.place.file === resolved) {
      throw new InputError(error.message, { ...error.place, file: given });
    }
    throw error;
  }
}

function summaryLines(description: EifDescription, shownName: string): string[] {
  const lines: string[] = [];
  const kinds = description.sections.map((s) => s.type);
  const ramdisks = kinds.filter((k) => k === 'ramdisk').length;
  lines.push(
    `${shownName}: EIF version ${description.version}, ${description.arch}, ${formatBytes(description.fileSize)}, ` +
      `${description.sections.length} sections (${ramdisks} ramdisk${ramdisks === 1 ? '' : 's'})${description.signed ? ', signed' : ''}`,
  );
  const metadata = description.metadata;
  if (metadata) {
    const name = [metadata.imageName, metadata.imageVersion].filter(Boolean).join(' ');
    if (name) lines.push(`  image        ${name}`);
    const build = metadata.buildInfo;
    const tool = [build.BuildTool, build.BuildToolVersion].filter(Boolean).join(' ');
    const built = [build.BuildTime && `at ${build.BuildTime}`, tool && `with ${tool}`].filter(Boolean).join(' ');
    if (built) lines.push(`  built        ${built}`);
    const os = [build.OperatingSystem, build.KernelVersion].filter(Boolean).join(', kernel ');
    if (os) lines.push(`  kernel       ${os}`);
  }
  if (description.cmdline !== undefined) lines.push(`  cmdline      ${JSON.stringify(description.cmdline)}`);
  for (const [pcr, value] of Object.entries(description.pcrs)) lines.push(`  ${pcr.padEnd(13)}${value}`);
  const crc = description.crc;
  lines.push(
    `  CRC32        ${crc.ok ? 'ok' : `MISMATCH: header says ${hex32(crc.stored)}, file has ${hex32(crc.computed)}`}`,
  );
  const signature = description.signature;
  if (signature) {
    const certificate = signature.certificate;
    lines.push(
      `  signature    ${signature.algorithm}, ${signature.signatureValid ? 'valid' : 'INVALID'}; ` +
        `${signature.payloadMatchesPcr0 ? 'signs this PCR0' : `signs ${signature.signedRegisterIndex === 0 ? 'a different PCR0' : `PCR${signature.signedRegisterIndex}`}`}`,
    );
    lines.push(`  subject      ${distinguishedName(certificate.subject)}`);
    lines.push(`  issuer       ${distinguishedName(certificate.issuer)}`);
    lines.push(
      `  validity     ${certificate.notBefore} to ${certificate.notAfter} ` +
        `(${certificate.validAtMeasurement ? 'valid now' : 'NOT valid now'}; certificate signed with ${certificate.signatureAlgorithm})`,
    );
  }
  return lines;
}

function warnings(description: EifDescription): string[] {
  const list: string[] = [];
  if (!description.crc.ok)
    list.push('error: the CRC32 in the header does not match the file (damaged or edited image)');
  const signature = description.signature;
  if (signature && !signature.ok) {
    list.push(
      signature.signatureValid
        ? "error: the signature is valid but does not sign this image's PCR0"
        : "error: the signature does not verify with the signing certificate's key",
    );
  }
  if (signature && !signature.certificate.validAtMeasurement) {
    list.push('warning: the signing certificate is outside its validity period (run-enclave refuses such images)');
  }
  return list;
}

function comparisonLines(comparison: PcrComparison, expectedFile: string): string[] {
  const lines: string[] = [];
  for (const mismatch of comparison.mismatches) {
    lines.push(
      `${mismatch.pcr} differs from ${expectedFile}: expected ${mismatch.expected}, ` +
        `${mismatch.actual === undefined ? 'the image has none' : `measured ${mismatch.actual}`}`,
    );
  }
  if (comparison.matched.length > 0) lines.push(`${comparison.matched.join(', ')} match ${expectedFile}`);
  if (comparison.unchecked.length > 0) {
    lines.push(`${comparison.unchecked.join(', ')} not checked (set at run time, not by the image)`);
  }
  return lines;
}

function distinguishedName(attributes: Record<string, string>): string {
  const entries = Object.entries(attributes);
  return entries.length === 0 ? '(empty)' : entries.map(([key, value]) => `${key}=${value}`).join(', ');
}

function hex32(value: number): string {
  return `0x${value.toString(16).padStart(8, '0')}`;
}

function formatBytes(bytes: number): string {
  if (bytes < 1024 * 1024) return `${bytes} bytes`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
}
