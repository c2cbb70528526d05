import { dirname, join, posix, resolve } from 'node:path';
import type { FragmentWarning, GraphFragment, InlineSuppression } from '../../model/nodes.js';
import type { Adapter, AdapterInput, InputFiles } from '../adapter.js';
import { filesOf, sessionOf } from '../input-files.js';
import { AwsFragment, CommentSuppressions } from '../aws/fragment.js';
import { fileServiceOf, isLocalSource, moduleSource, RootEvaluation, type EvaluatedResource } from './evaluate.js';
import { prepareHclParser, type HclBlock, type HclFile } from './hcl.js';
import { prepareShellParser } from '../shell/parser.js';
import { TerraformMapper, type TfResource, type TfScope } from './resources.js';

/**
 * Terraform configuration (.tf). A module is a directory: a file's references, variables and locals
 * may live in its sibling files, so loading one file reads and evaluates the whole directory (once per
 * scan; evaluate.ts), with the modules it calls, and builds nodes for that file's resources and for the
 * resources of the modules that file calls. Node ids are `<directory>/<address>`. The files of a local
 * module that a scanned file calls are not roots of their own (Terraform never runs them alone): they are
 * checked through the call, with its inputs.
 */
export const terraformAdapter: Adapter = {
  format: 'terraform',
  extensions: ['.tf'],
  claims: ({ file, text }) => /\.tf$/i.test(file) && !/^\s*[{[]/.test(text),
  // user_data may launch enclaves: scripts are read with the shell parser (src/ingest/launch-scripts.ts).
  prepare: async () => {
    await Promise.all([prepareHclParser(), prepareShellParser()]);
  },
  owns: (absolutePath, files) =>
    /\.tf$/i.test(absolutePath)
      ? [...calledModuleFiles(absolutePath, filesOf({ files })), ...userDataTemplates(absolutePath, filesOf({ files }))]
      : [],
  load(input) {
    const module = loadModule(input);
    const file = module.evaluation.source.files.get(input.absolutePath);
    if (file instanceof Error) throw file;
    return module.fragmentOf(input.absolutePath);
  },
};

/** This check's evaluated root modules, by directory, while some of their files are still to be loaded. */
function loadModule(input: AdapterInput): EvaluatedModule {
  const modules = sessionOf(input).cache<{ key: string; module: EvaluatedModule }>('terraform-root-modules');
  const directory = dirname(input.absolutePath);
  const files = fileServiceOf(input);
  const source = moduleSource(directory, posix.dirname(input.file), files, {
    path: input.absolutePath,
    text: input.text,
  });
  const key = JSON.stringify(input.terraformVariables ?? []);
  const cached = modules.get(directory);
  if (cached && cached.key === key && cached.module.evaluation.source === source) {
    cached.module.served.add(input.absolutePath);
    // Every file has had its fragment: the evaluation is not needed any more.
    if ([...source.files.keys()].every((path) => cached.module.served.has(path))) modules.delete(directory);
    return cached.module;
  }
  const module = new EvaluatedModule(new RootEvaluation(source, { files, variables: input.terraformVariables }));
  module.served.add(input.absolutePath);
  modules.set(directory, { key, module });
  return module;
}

class EvaluatedModule {
  readonly served = new Set<string>();
  private readonly fragments = new Map<string, AwsFragment>();
  private readonly resources = new Map<string, TfResource>();
  private readonly comments = new Map<HclFile, CommentSuppressions>();
  private readonly blockSuppressions = new Map<HclBlock, readonly InlineSuppression[]>();
  private readonly directory: string;

  constructor(readonly evaluation: RootEvaluation) {
    this.directory = evaluation.source.display;
    const scope: TfScope = {
      idOf: (address) => `${this.directory}/${this.instanceOf(address)}`,
      resource: (address) => this.resources.get(this.instanceOf(address)),
      resources: () => [...this.resources.values()].filter((r) => !r.data),
      // Display paths are relative to the scan root, not to the process's directory.
      absolute: (display) => resolve(evaluation.source.directory, posix.relative(evaluation.source.display, display)),
    };
    const byOwner = new Map<string, EvaluatedResource[]>();
    for (const resource of evaluation.resources) {
      this.resources.set(resource.address, this.tfResource(resource));
      let list = byOwner.get(resource.owner);
      if (!list) byOwner.set(resource.owner, (list = []));
      list.push(resource);
    }
    const mappers = new Map<string, TerraformMapper>();
    for (const [owner, list] of byOwner) {
      const fragment = new AwsFragment();
      const mapper = new TerraformMapper(fragment, scope);
      // Data sources are read through the references to them, never mapped to nodes.
      for (const resource of list) if (!resource.data) mapper.map(this.resources.get(resource.address)!);
      mapper.finish();
      this.fragments.set(owner, fragment);
      mappers.set(owner, mapper);
    }
    // Standalone ingress rules of one file that target a group of another join that group.
    const groups = new Map<string, { ingress: unknown[] }>();
    for (const fragment of this.fragments.values())
      for (const node of fragment.nodes) if (node.kind === 'securityGroup') groups.set(node.id, node);
    for (const [owner, mapper] of mappers) {
      const own = new Set(this.fragments.get(owner)!.nodes.map((n) => n.id));
      for (const { groupId, rules } of mapper.pendingFor()) {
        if (own.has(groupId)) continue;
        groups.get(groupId)?.ingress.push(...rules);
      }
    }
  }

  private instanceOf(address: string): string {
    if (this.evaluation.byAddress.has(address)) return address;
    return this.evaluation.instancesOf.get(address)?.[0] ?? address;
  }

  private tfResource(resource: EvaluatedResource): TfResource {
    const { file, block } = resource;
    let comments = this.comments.get(file);
    if (!comments)
      this.comments.set(file, (comments = new CommentSuppressions(file.file, file.text, file.document.lines)));
    // A child module's block is every instance its calls make: its comments are read once.
    let suppressions = this.blockSuppressions.get(block);
    if (!suppressions) {
      const start = file.document.lines.position(block.s).line;
      const end = file.document.lines.position(block.e).line;
      this.blockSuppressions.set(block, (suppressions = comments.for(start, end)));
    }
    return {
      address: resource.address,
      type: resource.type,
      values: resource.values,
      typeSpan: resource.typeSpan,
      ...(resource.data ? { data: true as const } : {}),
      suppressions,
      document: file.document,
    };
  }

  fragmentOf(path: string): GraphFragment {
    const fragment = this.fragments.get(path);
    const problems = this.evaluation.problems
      .filter((p) => p.owner === path)
      .map(({ file, line, column, message }) => ({ file, line, column, message, level: 'warning' as const }));
    const exists = (id: string) =>
      id.startsWith(`${this.directory}/`) && this.isResource(id.slice(this.directory.length + 1));
    const finished = fragment ? fragment.finish(exists) : { nodes: [], edges: [] };
    const file = this.evaluation.source.files.get(path);
    // Malformed suppression comments of this file, and those no resource took: warnings at their lines.
    let warnings: FragmentWarning[] = [];
    if (file && !(file instanceof Error)) {
      let comments = this.comments.get(file);
      if (!comments)
        this.comments.set(file, (comments = new CommentSuppressions(file.file, file.text, file.document.lines)));
      warnings = [...comments.warnings, ...comments.unattached()];
    }
    return {
      ...finished,
      ...(problems.length ? { problems } : {}),
      ...(warnings.length ? { warnings } : {}),
    };
  }

  private isResource(address: string): boolean {
    const resource = this.evaluation.byAddress.get(this.instanceOf(address));
    return resource !== undefined && !resource.data;
  }
}

const MAX_OWNED_DEPTH = 16;

/**
 * The files a `user_data = templatefile("…")` / `file("…")` of this .tf renders: read as that instance's launch
 * path (resources.ts), so not again as scripts of the directory's machine (which would launch every enclave
 * twice and declare the allocator twice).
 */
function userDataTemplates(absolutePath: string, files: InputFiles): string[] {
  let text: string;
  try {
    text = files.read(absolutePath);
  } catch {
    return [];
  }
  if (!text.includes('user_data')) return [];
  const pattern =
    /\buser_data(?:_base64)?\s*=\s*(?:base64(?:encode|gzip)\(\s*)?(?:templatefile|file)\(\s*"(?:\$\{path\.module\}\/)?([^"$]+)"/g;
  return [...text.matchAll(pattern)].map((match) => resolve(dirname(absolutePath), match[1]));
}

/**
 * The .tf files of the local modules a file calls, and of the modules they call: found with a quick look at
 * the text (the parser is not loaded yet when a scan asks), and read through the call when the file is loaded.
 */
function calledModuleFiles(absolutePath: string, files: InputFiles): string[] {
  const owned = new Set<string>();
  const visit = (path: string, depth: number) => {
    if (depth > MAX_OWNED_DEPTH) return;
    let text: string;
    try {
      text = files.read(path);
    } catch {
      return;
    }
    if (!text.includes('module')) return;
    const directory = dirname(path);
    for (const match of text.matchAll(/^\s*module\s+"[^"]*"\s*\{[^}]*?\bsource\s*=\s*"([^"]+)"/gm)) {
      const source = match[1];
      if (!isLocalSource(source)) continue;
      const child = resolve(directory, source);
      if (child === directory) continue;
      const names = files.list(child).filter((name) => /\.tf$/i.test(name));
      for (const name of names) {
        const file = join(child, name);
        if (owned.has(file) || file === absolutePath) continue;
        owned.add(file);
        visit(file, depth + 1);
      }
    }
  };
  visit(absolutePath, 0);
  return [...owned];
}
