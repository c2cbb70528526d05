import { extname } from 'node:path';
import { Option, type Command } from 'commander';
import { UsageError } from '../errors.js';
import type { CliContext } from './context.js';
import { writeOutput } from './output.js';

const PICTURE_FORMATS = ['mermaid', 'dot', 'html', 'svg'] as const;
type PictureFormat = (typeof PICTURE_FORMATS)[number];

const BY_EXTENSION: Record<string, PictureFormat> = {
  '.html': 'html',
  '.htm': 'html',
  '.svg': 'svg',
  '.dot': 'dot',
  '.gv': 'dot',
  '.mmd': 'mermaid',
  '.mermaid': 'mermaid',
  '.md': 'mermaid',
};

const collect = (value: string, previous: string[]) => [
  ...previous,
  ...value
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean),
];

interface GraphFlags {
  format?: PictureFormat;
  output?: string;
  config?: string;
  rule: string[];
  skipRule: string[];
  rulesDir: string[];
}

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
    .option('-c, --config <file>', 'config file (default: the nearest .isolint.yaml upward from the scanned paths)')
    .option('--rule <id>', 'mark findings of this rule only (repeatable, or comma-separated)', collect, [])
    .option('--skip-rule <id>', 'do not mark findings of this rule (repeatable, or comma-separated)', collect, [])
    .option('--rules-dir <dir>', "also run the team's own rules from this directory (repeatable)", collect, [])
    .action(async (paths: string[], flags: GraphFlags) => {
      // Refused before anything is read: Mermaid text in a file named .svg opens as a broken image.
      const implied =
        flags.output && flags.output !== '-' ? (BY_EXTENSION[extname(flags.output).toLowerCase()] ?? null) : undefined;
      if (implied === null && !flags.format)
        throw new UsageError(
          `cannot tell the picture format from the name ${flags.output}; add --format (${PICTURE_FORMATS.join(', ')})`,
        );
      const format: PictureFormat = flags.format ?? implied ?? 'mermaid';
      const [{ check }, { resolveConfig }, { buildPicture }] = await Promise.all([
        import('../check.js'),
        import('../engine/config.js'),
        import('../picture/model.js'),
      ]);
      const scanned = paths.length ? paths : ['.'];
      let extraRules;
      if (flags.rulesDir.length) {
        const [{ loadCustomRules }, { builtinRules }] = await Promise.all([
          import('../engine/custom-rules.js'),
          import('../../rules/index.js'),
        ]);
        extraRules = await loadCustomRules(flags.rulesDir, ctx.cwd, new Set(builtinRules.map((rule) => rule.id)));
      }
      const result = await check({
        paths: scanned,
        cwd: ctx.cwd,
        config: resolveConfig(ctx.cwd, flags.config, scanned),
        onlyRules: flags.rule,
        skipRules: flags.skipRule,
        extraRules,
      });
      const picture = buildPicture(result);
      let text: string;
      if (format === 'html' || format === 'svg') {
        const layout = await (await import('../picture/layout.js')).layoutPicture(picture);
        text =
          format === 'html'
            ? (await import('../picture/html.js')).toHtml(picture, layout)
            : (await import('../picture/svg.js')).toSvg(layout);
      } else if (format === 'dot') text = (await import('../picture/dot.js')).toDot(picture);
      else text = (await import('../picture/mermaid.js')).toMermaid(picture);
      writeOutput(ctx, flags.output, text);
      const { formatProblem } = await import('../errors.js');
      for (const problem of result.problems) {
        ctx.stderr.write(
          `isolint: ${problem.level === 'warning' ? 'warning: ' : ''}${formatProblem(problem.message, problem)}\n`,
        );
      }
      ctx.exitCode = result.problems.some((p) => p.level === 'error') ? 2 : 0;
    });
}
