import { Option, type Command } from 'commander';
import type { CliContext } from './context.js';
import { writeOutput } from './output.js';

const PICTURE_FORMATS = ['mermaid', 'dot', 'html'] as const;
type PictureFormat = (typeof PICTURE_FORMATS)[number];

export function registerGraphCommand(program: Command, ctx: CliContext): void {
  program
    .command('graph')
    .description('draw the isolation graph (hosts, guests, enclaves, volumes, channels) with findings marked')
    .argument('[paths...]', 'files or directories (default: the current directory)')
    .addOption(
      new Option('-f, --format <format>', 'picture format (default from the --output extension, else mermaid)').choices(
        PICTURE_FORMATS,
      ),
    )
    .option('-o, --output <file>', 'write the picture to a file (whole or not at all); - for stdout')
    .option('-c, --config <file>', 'config file (default: .isolint.yaml found upward from the current directory)')
    .action(async (paths: string[], flags: { format?: PictureFormat; output?: string; config?: string }) => {
      const [{ check }, { resolveConfig }, { buildPicture }] = await Promise.all([
        import('../check.js'),
        import('../engine/config.js'),
        import('../picture/model.js'),
      ]);
      const result = await check({
        paths: paths.length ? paths : ['.'],
        cwd: ctx.cwd,
        config: resolveConfig(ctx.cwd, flags.config),
      });
      const format: PictureFormat =
        flags.format ??
        (flags.output?.endsWith('.html')
          ? 'html'
          : flags.output?.endsWith('.dot') || flags.output?.endsWith('.gv')
            ? 'dot'
            : 'mermaid');
      const picture = buildPicture(result);
      let text: string;
      if (format === 'html') text = (await import('../picture/html.js')).toHtml(picture);
      else if (format === 'dot') text = (await import('../picture/dot.js')).toDot(picture);
      else text = (await import('../picture/mermaid.js')).toMermaid(picture);
      writeOutput(ctx, flags.output, text);
      for (const problem of result.problems.filter((p) => p.level === 'error')) {
        ctx.stderr.write(
          `isolint: ${problem.file ?? ''}${problem.line ? `:${problem.line}` : ''}: ${problem.message}\n`,
        );
      }
      ctx.exitCode = result.problems.some((p) => p.level === 'error') ? 2 : 0;
    });
}
