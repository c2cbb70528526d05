import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, posix } from 'node:path';
import type { GraphFragment } from '../../model/nodes.js';
import { isUnknown, unknown } from '../../model/unknown.js';
import type { Adapter, AdapterInput } from '../adapter.js';
import { AwsFragment, CommentSuppressions } from '../aws/fragment.js';
import { JsonText, unknownKeysOf, withUnknownKeys } from '../aws/values.js';
import { attributesOf, Evaluator, parseHcl, prepareHclParser, type HclBlock, type HclFile, type Scope } from './hcl.js';
import { TerraformMapper, type TfResource, type TfScope } from './resources.js';

/**
 * Terraform configuration (.tf). A module is a directory: a file's references, variables and locals
 * may live in its sibling files, so loading one file reads the whole directory (once per scan) and
 * builds nodes for that file's resources only. Node ids are `<directory>/<address>`.
 */
export const terraformAdapter: Adapter = {
  format: 'terraform',
  extensions: ['.tf'],
  claims: ({ file, text }) => /\.tf$/i.test(file) && !/^\s*[{[]/.test(text),
  prepare: prepareHclParser,
  load(input) {
    const module = loadModule(input);
    const file = module.files.get(input.absolutePath)!;
    if (file instanceof Error) throw file;
    return module.fragmentOf(file, input.file);
  },
};

/** Modules read in this process, by directory, reused while their files are unchanged. */
const modules = new Map<string, { signature: string; module: TerraformModule }>();

function loadModule(input: AdapterInput): TerraformModule {
  const directory = dirname(input.absolutePath);
  let names: string[];
  try {
    names = readdirSync(directory)
      .filter((name) => /\.tf$/i.test(name))
      .sort();
  } catch {
    names = [];
  }
  const paths = names.map((name) => join(directory, name));
  if (!paths.includes(input.absolutePath)) paths.push(input.absolutePath);
  const signature =
    paths
      .map((path) => {
        try {
          const stats = statSync(path);
          return `${path}:${stats.size}:${stats.mtimeMs}`;
        } catch {
          return path;
        }
      })
      .join('|') + `|${input.text.length}`;
  const cached = modules.get(directory);
  if (cached && cached.signature === signature) return cached.module;
  const module = new TerraformModule(paths, input);
  modules.set(directory, { signature, module });
  return module;
}

interface Declared {
  file: HclFile;
  block: HclBlock;
}

/** Locals and variables that refer to each other deeper than this are left unknown (hostile-input issue). */
const MAX_REFERENCE_CHAIN = 128;

class TerraformModule implements Scope {
  readonly files = new Map<string, HclFile | Error>();
  private readonly variables = new Map<string, Declared>();
  private readonly locals = new Map<string, { file: HclFile; expression: import('web-tree-sitter').Node }>();
  private readonly resourceBlocks = new Map<string, Declared>();
  private readonly evaluated = new Map<string, TfResource>();
  private readonly variableValues = new Map<string, unknown>();
  private readonly localValues = new Map<string, unknown>();
  private readonly evaluating = new Set<string>();
  private readonly directory: string;

  constructor(paths: string[], input: AdapterInput) {
    this.directory = posix.dirname(input.file);
    for (const path of paths) {
      try {
        const text = path === input.absolutePath ? input.text : readFileSync(path, 'utf8');
        const display =
          path === input.absolutePath ? input.file : posix.join(this.directory, path.split(/[\\/]/).pop()!);
        const file = parseHcl(display, text);
        this.files.set(path, file);
        for (const block of file.blocks) {
          if (block.type === 'variable' && block.labels[0]) this.variables.set(block.labels[0], { file, block });
          else if (block.type === 'locals') {
            for (const attribute of attributesOf(block.body))
              this.locals.set(attribute.name, { file, expression: attribute.expression });
          } else if (block.type === 'resource' && block.labels.length >= 2) {
            this.resourceBlocks.set(`${block.labels[0]}.${block.labels[1]}`, { file, block });
          }
        }
      } catch (error) {
        // A sibling that does not parse is reported when it is loaded itself.
        this.files.set(path, error instanceof Error ? error : new Error(String(error)));
      }
    }
  }

  idOf(address: string): string {
    return `${this.directory}/${address}`;
  }

  isResource(address: string): boolean {
    return this.resourceBlocks.has(address);
  }

  /** A variable's default (values from tfvars or the command line are not known to a static scan). */
  variable(name: string): unknown {
    if (this.variableValues.has(name)) return this.variableValues.get(name);
    const declared = this.variables.get(name);
    let value: unknown = unknown(`variable ${name} is not declared`);
    if (declared) {
      const defaultAttribute = attributesOf(declared.block.body).find((a) => a.name === 'default');
      value = defaultAttribute
        ? this.detached(`var.${name}`, declared.file, defaultAttribute.expression)
        : unknown(`variable ${name} has no default`);
      if (value === null) value = unknown(`variable ${name} defaults to null`);
    }
    this.variableValues.set(name, value);
    return value;
  }

  local(name: string): unknown {
    if (this.localValues.has(name)) return this.localValues.get(name);
    const declared = this.locals.get(name);
    const value = declared
      ? this.detached(`local.${name}`, declared.file, declared.expression)
      : unknown(`local ${name} is not declared`);
    this.localValues.set(name, value);
    return value;
  }

  /** A value evaluated in another place: positions would point into the wrong file, so they are dropped. */
  private detached(name: string, file: HclFile, expression: import('web-tree-sitter').Node): unknown {
    if (this.evaluating.has(name)) return unknown(`${name} refers to itself`);
    // A long chain (local.a = local.b, local.b = local.c, …) recurses once per link: bound it.
    if (this.evaluating.size >= MAX_REFERENCE_CHAIN)
      return unknown(`${name}: a chain of more than ${MAX_REFERENCE_CHAIN} references`);
    this.evaluating.add(name);
    const value = new Evaluator(file.text, this).expression(expression, undefined, undefined);
    this.evaluating.delete(name);
    return plain(value);
  }

  resource(address: string): TfResource | undefined {
    const known = this.evaluated.get(address);
    if (known) return known;
    const declared = this.resourceBlocks.get(address);
    if (!declared) return undefined;
    const { file, block } = declared;
    const header = block.node.namedChildren.find((n) => n?.type === 'block_start') ?? block.node;
    const resource: TfResource = {
      address,
      type: block.labels[0],
      values: new Evaluator(file.text, this).body(block.node, block.body, undefined, undefined),
      typeSpan: file.document.lines.lazySpan(file.file, block.node.startIndex, header.endIndex),
      suppressions: [],
      document: file.document,
    };
    this.evaluated.set(address, resource);
    return resource;
  }

  *resources(): Iterable<TfResource> {
    for (const address of this.resourceBlocks.keys()) yield this.resource(address)!;
  }

  fragmentOf(file: HclFile, _display: string): GraphFragment {
    const fragment = new AwsFragment();
    const comments = new CommentSuppressions(file.file, file.text, file.document.lines);
    const scope: TfScope = {
      idOf: (a) => this.idOf(a),
      resource: (a) => this.resource(a),
      resources: () => this.resources(),
    };
    const mapper = new TerraformMapper(fragment, scope);
    for (const block of file.blocks) {
      if (block.type !== 'resource' || block.labels.length < 2) continue;
      const resource = this.resource(`${block.labels[0]}.${block.labels[1]}`)!;
      if (resource.document !== file.document) continue; // declared twice; the other file owns it
      const start = file.document.lines.position(block.node.startIndex).line;
      const end = file.document.lines.position(block.node.endIndex).line;
      resource.suppressions = comments.for(start, end);
      mapper.map(resource);
    }
    // Ingress rules declared in this file for groups of sibling files join them when the graph is
    // assembled only if the group is here; across files they are kept with the group's own file.
    mapper.finish();
    this.crossFileIngress(file, mapper, fragment);
    return fragment.finish(
      (id) => id.startsWith(`${this.directory}/`) && this.isResource(id.slice(this.directory.length + 1)),
    );
  }

  /** Standalone rules in other files of the module that target a group of this file. */
  private crossFileIngress(file: HclFile, _mapper: TerraformMapper, fragment: AwsFragment): void {
    const groups = new Map(fragment.nodes.filter((n) => n.kind === 'securityGroup').map((n) => [n.id, n]));
    if (groups.size === 0) return;
    for (const [path, other] of this.files) {
      if (other instanceof Error || other === file || path === undefined) continue;
      const otherFragment = new AwsFragment();
      const mapper = new TerraformMapper(otherFragment, {
        idOf: (a) => this.idOf(a),
        resource: (a) => this.resource(a),
        resources: () => this.resources(),
      });
      const comments = new CommentSuppressions(other.file, other.text, other.document.lines);
      for (const block of other.blocks) {
        if (
          block.type !== 'resource' ||
          !['aws_security_group_rule', 'aws_vpc_security_group_ingress_rule'].includes(block.labels[0] ?? '')
        )
          continue;
        const resource = this.resource(`${block.labels[0]}.${block.labels[1]}`)!;
        const start = other.document.lines.position(block.node.startIndex).line;
        const end = other.document.lines.position(block.node.endIndex).line;
        resource.suppressions = comments.for(start, end);
        mapper.map(resource);
      }
      for (const { groupId, rules } of mapper.pendingFor()) {
        const group = groups.get(groupId);
        if (group?.kind === 'securityGroup') group.ingress.push(...rules);
      }
    }
  }
}

/** A copy without positions (and JSON text as its string). */
function plain(value: unknown, depth = 0): unknown {
  if (depth > 64) return unknown('value nested too deeply');
  if (value instanceof JsonText) return value.text;
  if (Array.isArray(value)) return value.map((item) => plain(item, depth + 1));
  if (value && typeof value === 'object' && !isUnknown(value)) {
    const copy = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v, depth + 1)]));
    const partial = unknownKeysOf(value); // merge(local.x, {…}) stays partly known
    return partial ? withUnknownKeys(copy, partial) : copy;
  }
  return value;
}
