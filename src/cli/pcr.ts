import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { InputError, UsageError } from '../errors.js';
import type { CliContext } from './context.js';

interface PcrFlags {
  input?: string;
  signingCertificate?: string;
  roleArn?: string;
  instanceId?: string;
}

/** A certificate is a few KiB; refuse to read anything much larger into memory. */
const MAX_CERTIFICATE_SIZE = 1024 * 1024;

/**
 * `isolint pcr`: like `nitro-cli pcr` (`--input`, `--signing-certificate`, https://docs.aws.amazon.com/enclaves/latest/user/set-up-attestation.html#where), plus the
 * run-time PCR3 (`--role-arn`) and PCR4 (`--instance-id`) values. Prints pretty JSON as nitro-cli does.
 */
export function registerPcrCommand(program: Command, ctx: CliContext): void {
  program
    .command('pcr')
    .description('compute one PCR value, like nitro-cli pcr, plus PCR3 (role ARN) and PCR4 (instance id)')
    .option('--input <file>', 'any file: prints {"PCR": extend(SHA384(file))}')
    .option('--signing-certificate <cert.pem>', 'an EIF signing certificate: prints {"PCR8": ...}')
    .option('--role-arn <arn>', 'the parent instance\'s IAM role ARN: prints {"PCR3": ...}')
    .option('--instance-id <id>', 'the parent instance id: prints {"PCR4": ...}')
    .action(async (flags: PcrFlags) => {
      const { pcrOfCertificate, pcrOfFile, pcrOfString } = await import('../eif/pcr.js');
      const given = Object.entries(flags).filter(([, value]) => value !== undefined);
      if (given.length !== 1) {
        throw new UsageError('pcr: give exactly one of --input, --signing-certificate, --role-arn, --instance-id');
      }
      let result: Record<string, string>;
      if (flags.input !== undefined) {
        result = { PCR: await pcrOfFile(path.resolve(ctx.cwd, flags.input)).catch(renameFile(flags.input)) };
      } else if (flags.signingCertificate !== undefined) {
        const file = flags.signingCertificate;
        const certificate = await readCertificate(path.resolve(ctx.cwd, file)).catch(renameFile(file));
        try {
          result = { PCR8: pcrOfCertificate(certificate) };
        } catch (error) {
          if (error instanceof InputError) throw new InputError(error.message, { file });
          throw error;
        }
      } else if (flags.roleArn !== undefined) {
        result = { PCR3: pcrOfString(flags.roleArn) };
      } else {
        result = { PCR4: pcrOfString(flags.instanceId!) };
      }
      ctx.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
      ctx.exitCode = 0;
    });
}

async function readCertificate(file: string): Promise<Uint8Array> {
  let size: number;
  try {
    size = (await stat(file)).size;
  } catch (error) {
    throw new InputError(`cannot read: ${(error as Error).message}`, { file });
  }
  if (size > MAX_CERTIFICATE_SIZE) throw new InputError(`${size} bytes is too large for a certificate`, { file });
  return new Uint8Array(await readFile(file));
}

/** Errors name the file as the user typed it. */
function renameFile(given: string): (error: unknown) => never {
  return (error) => {
    if (error instanceof InputError) throw new InputError(error.message, { ...error.place, file: given });
    throw error;
  };
}
