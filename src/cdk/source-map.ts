import type * as TsMorph from 'ts-morph';

/**
 * Where a construct of a CDK app was created, found in the app's TypeScript sources. Two ways, in
 * this order: the creation stack the assembly recorded (`aws:cdk:creationStack`, or the `trace` of
 * the logical-id entry when the app ran with stack traces on), then a static reading of the sources
 * with ts-morph: `new SomeConstruct(scope, 'Id', props)` calls whose ids, followed through the app's
 * own Construct classes, spell the construct path. The property a finding names is then looked up in
 * `props` (or in a call such as `sg.addIngressRule(...)` on the construct's variable).
 *
 * ts-morph is handed in by the caller (loaded lazily by the assembly adapter), so importing this
 * module costs nothing; only types come from it here.
 */

/** A position in an app source file: 1-based line and column (UTF-16 code units), end column exclusive. */
export interface SourceLocation {
  file: string;
  startLine: number;
  startColumn: number;
  endLine: number;
  endColumn: number;
  /** How the location was found, for messages and tests. */
  via: 'stack-trace' | 'static';
}

export interface SourceFrame {
  file: string;
  line: number;
  column: number;
}

/** `new EnclaveStack (/app/lib/stack.ts:12:5)`, `at /app/bin/app.ts:7:3`, `file:///app/x.ts:3:1`. */
const FRAME =
  /(?:\(|\bat\s+|^)((?:file:\/\/)?(?:\/|[A-Za-z]:[\\/])[^():]*?\.(?:[cm]?tsx?|[cm]?jsx?)):(\d+):(\d+)\)?\s*$/;

/**
 * The first frame of a creation stack that is the app's own code: not aws-cdk-lib or any other
 * dependency, not Node's internals. CDK already folds its own frames into "...new X in aws-cdk-lib...".
 */
export function appFrame(trace: readonly unknown[]): SourceFrame | undefined {
  for (const entry of trace) {
    if (typeof entry !== 'string') continue;
    for (const line of entry.split('\n')) {
      const match = FRAME.exec(line.trim());
      if (!match) continue;
      const file = match[1].replace(/^file:\/\//, '');
      if (/[\\/]node_modules[\\/]/.test(file) || file.startsWith('node:')) continue;
      return { file, line: Number(match[2]), column: Number(match[3]) };
    }
  }
  return undefined;
}

/**
 * CloudFormation property names that an L2 construct spells differently in its props, by the path
 * inside `Properties` (CloudFormation names, https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-ec2-instance.html). Anything else is tried as the
 * L1 name: the CloudFormation name with a lower-case first letter.
 */
const PROP_ALIASES: Record<string, string[]> = {
  'EnclaveOptions/Enabled': ['enclaveEnabled'],
  EnclaveOptions: ['enclaveEnabled'],
  'MetadataOptions/HttpTokens': ['httpTokens', 'requireImdsv2'],
  'MetadataOptions/HttpEndpoint': ['httpEndpoint'],
  MetadataOptions: ['httpTokens', 'requireImdsv2'],
  BlockDeviceMappings: ['blockDevices'],
  SecurityGroupIds: ['securityGroup', 'securityGroups'],
  SecurityGroups: ['securityGroup', 'securityGroups'],
  IamInstanceProfile: ['role', 'instanceProfile'],
  KeyName: ['keyPair'],
  KmsKeyId: ['encryptionKey'],
  KeyPolicy: ['policy'],
  Condition: ['conditions'],
  Action: ['actions'],
  Principal: ['principals'],
  Resource: ['resources'],
};

/** Methods through which an L2 construct adds to a property after construction, by property. */
const METHOD_HINTS: Record<string, string[]> = {
  SecurityGroupIngress: ['addIngressRule'],
  SecurityGroupEgress: ['addEgressRule'],
  KeyPolicy: ['addToResourcePolicy'],
  BlockDeviceMappings: [],
};

/** At most this many source files are read (a hostile or mistaken source root must not stall a scan). */
const MAX_SOURCE_FILES = 2000;

interface Site {
  node: TsMorph.NewExpression;
  /** The id argument as a pattern; undefined for constructs without an id (the App). */
  id?: { pattern: RegExp; exact: boolean };
  className: string;
}

interface Context {
  sites: Site[];
}

interface Match {
  site: Site;
  consumed: number;
  wildcards: number;
}

export class AppSources {
  private readonly project: TsMorph.Project;
  private readonly classes = new Map<string, TsMorph.ClassDeclaration[]>();
  private readonly classContexts = new Map<TsMorph.ClassDeclaration, Context>();
  private readonly root: Context = { sites: [] };
  private readonly relativePaths = new Map<Site, Array<Site['id']>>();
  private indexed = false;

  constructor(
    private readonly ts: typeof TsMorph,
    files: readonly string[],
  ) {
    this.project = new ts.Project({
      skipAddingFilesFromTsConfig: true,
      skipFileDependencyResolution: true,
      skipLoadingLibFiles: true,
      compilerOptions: { allowJs: true, noResolve: true },
    });
    for (const file of files.slice(0, MAX_SOURCE_FILES)) {
      try {
        this.project.addSourceFileAtPath(file);
      } catch {
        // An unreadable source file only costs the locations it would have given.
      }
    }
  }

  get fileCount(): number {
    return this.project.getSourceFiles().length;
  }

  /** Where the construct at `constructPath` (and the property at `propertyPath` of its resource) is written. */
  locate(constructPath: string, propertyPath: readonly string[], frame?: SourceFrame): SourceLocation | undefined {
    if (frame) {
      const site = this.siteAt(frame);
      if (site) return this.refine(site, propertyPath, 'stack-trace');
      return {
        file: frame.file,
        startLine: frame.line,
        startColumn: frame.column,
        endLine: frame.line,
        endColumn: frame.column + 1,
        via: 'stack-trace',
      };
    }
    this.index();
    const segments = constructPath.split('/').filter(Boolean);
    const match = this.match(this.root, segments, 0, 0);
    return match ? this.refine(match.site.node, propertyPath, 'static') : undefined;
  }

  // -- creation stacks -----------------------------------------------------------------------------

  private siteAt(frame: SourceFrame): TsMorph.NewExpression | undefined {
    let file = this.project.getSourceFile(frame.file);
    if (!file) {
      try {
        file = this.project.addSourceFileAtPath(frame.file);
      } catch {
        return undefined;
      }
    }
    let position: number;
    try {
      position = file.compilerNode.getPositionOfLineAndCharacter(frame.line - 1, frame.column - 1);
    } catch {
      return undefined;
    }
    // The frame points at `new` of the construct's creation (V8 reports the start of the call).
    const node = file.getDescendantAtPos(position);
    const found =
      node?.getFirstAncestorByKind(this.ts.SyntaxKind.NewExpression) ??
      node?.getParentWhileKind(this.ts.SyntaxKind.NewExpression);
    if (node && this.ts.Node.isNewExpression(node)) return node;
    if (found && found.getStart() === position) return found;
    // Otherwise the first construction that starts on that line.
    return file
      .getDescendantsOfKind(this.ts.SyntaxKind.NewExpression)
      .find((n) => n.getStartLineNumber() === frame.line);
  }

  // -- static reading ------------------------------------------------------------------------------

  private index(): void {
    if (this.indexed) return;
    this.indexed = true;
    const { SyntaxKind } = this.ts;
    for (const file of this.project.getSourceFiles()) {
      for (const declaration of file.getDescendantsOfKind(SyntaxKind.ClassDeclaration)) {
        const name = declaration.getName();
        if (!name) continue;
        const list = this.classes.get(name) ?? [];
        list.push(declaration);
        this.classes.set(name, list);
        this.classContexts.set(declaration, { sites: [] });
      }
      for (const expression of file.getDescendantsOfKind(SyntaxKind.NewExpression)) {
        const site = this.site(expression);
        if (!site) continue;
        const owner = expression.getFirstAncestorByKind(SyntaxKind.ClassDeclaration);
        (owner ? this.classContexts.get(owner)! : this.root).sites.push(site);
      }
    }
  }

  private site(node: TsMorph.NewExpression): Site | undefined {
    const args = node.getArguments();
    const className = node.getExpression().getText().split('.').pop() ?? '';
    if (args.length < 2) return args.length === 0 || className === 'App' ? { node, className } : undefined;
    return { node, className, id: this.idPattern(args[1]) };
  }

  /** An id argument as a pattern: literals exactly, template strings with their holes as wildcards. */
  private idPattern(node: TsMorph.Node): Site['id'] {
    const { Node } = this.ts;
    if (Node.isStringLiteral(node) || Node.isNoSubstitutionTemplateLiteral(node)) {
      return { pattern: new RegExp(`^${escapeRegExp(node.getLiteralText())}$`), exact: true };
    }
    if (Node.isTemplateExpression(node)) {
      let source = escapeRegExp(node.getHead().getLiteralText());
      for (const span of node.getTemplateSpans()) source += `.+?${escapeRegExp(span.getLiteral().getLiteralText())}`;
      return { pattern: new RegExp(`^${source}$`), exact: false };
    }
    // An id passed in (a parameter, props.name): anything, but exact ids win over it.
    return { pattern: /^.+$/, exact: false };
  }

  /** The id path of a site relative to its context: `this` is the context itself; a variable, its construct. */
  private relativePath(site: Site, context: Context, depth = 0): Array<Site['id']> {
    const known = this.relativePaths.get(site);
    if (known) return known;
    const path: Array<Site['id']> = [];
    const scope = site.node.getArguments()[0];
    if (scope && depth < 16) {
      const parent = this.siteOfScope(scope, context);
      if (parent && parent !== site) path.push(...this.relativePath(parent, context, depth + 1));
    }
    if (site.id) path.push(site.id);
    this.relativePaths.set(site, path);
    return path;
  }

  /** The construction a scope argument names (`vpc` for `new Subnet(vpc, 'A')`), in the same context. */
  private siteOfScope(scope: TsMorph.Node, context: Context): Site | undefined {
    const { Node } = this.ts;
    if (Node.isThisExpression(scope)) return undefined;
    const text = scope.getText();
    return context.sites.find((candidate) => {
      const parent = candidate.node.getParent();
      if (Node.isVariableDeclaration(parent)) return parent.getName() === text;
      if (Node.isBinaryExpression(parent)) return parent.getLeft().getText() === text;
      return false;
    });
  }

  private classContext(name: string, seen = new Set<TsMorph.ClassDeclaration>()): Context | undefined {
    const declarations = this.classes.get(name);
    if (!declarations?.length) return undefined;
    const declaration = declarations[0];
    if (seen.has(declaration)) return undefined;
    seen.add(declaration);
    const own = this.classContexts.get(declaration)!;
    // Constructs made by a base class of the app's own belong to the same `this`.
    const base = declaration.getExtends()?.getExpression().getText().split('.').pop();
    const inherited = base ? this.classContext(base, seen) : undefined;
    return inherited ? { sites: [...own.sites, ...inherited.sites] } : own;
  }

  /** The deepest construction whose ids spell `segments` from `start`, following the app's own classes. */
  private match(context: Context, segments: readonly string[], start: number, depth: number): Match | undefined {
    if (depth > 32) return undefined;
    let best: Match | undefined;
    for (const site of context.sites) {
      const path = this.relativePath(site, context);
      if (path.length === 0 || start + path.length > segments.length) continue;
      let wildcards = 0;
      let matches = true;
      path.forEach((id, index) => {
        if (!id || !id.pattern.test(segments[start + index])) matches = false;
        else if (!id.exact) wildcards++;
      });
      if (!matches) continue;
      let candidate: Match = { site, consumed: start + path.length, wildcards };
      const inner = candidate.consumed < segments.length ? this.classContext(site.className) : undefined;
      if (inner) {
        const deeper = this.match(inner, segments, candidate.consumed, depth + 1);
        if (deeper) candidate = { ...deeper, wildcards: deeper.wildcards + wildcards };
      }
      if (
        !best ||
        candidate.consumed > best.consumed ||
        (candidate.consumed === best.consumed && candidate.wildcards < best.wildcards)
      )
        best = candidate;
    }
    return best;
  }

  // -- the property inside props -------------------------------------------------------------------

  private refine(
    site: TsMorph.NewExpression,
    propertyPath: readonly string[],
    via: SourceLocation['via'],
  ): SourceLocation {
    const props = site.getArguments()[2];
    const inProps = props && propertyPath.length ? this.propertyNode(props, propertyPath) : undefined;
    if (inProps) return this.location(inProps, via);
    const call = propertyPath.length ? this.methodCall(site, propertyPath) : undefined;
    if (call) return this.location(call, via);
    // The construction itself: from `new` to the id argument, the line a reader looks for.
    const id = site.getArguments()[1];
    return this.location(site, via, id?.getEnd());
  }

  /** The deepest node of an object literal (or a call building one) along a CloudFormation property path. */
  private propertyNode(start: TsMorph.Node, path: readonly string[]): TsMorph.Node | undefined {
    const { Node } = this.ts;
    let current: TsMorph.Node | undefined = this.objectOf(start);
    let found: TsMorph.Node | undefined;
    for (let index = 0; index < path.length && current; index++) {
      const segment = path[index];
      if (Node.isArrayLiteralExpression(current)) {
        const element = /^\d+$/.test(segment) ? current.getElements()[Number(segment)] : undefined;
        if (!element) break;
        found = element;
        current = this.objectOf(element);
        continue;
      }
      if (!Node.isObjectLiteralExpression(current)) break;
      const joined = path.slice(index, index + 2).join('/');
      const names = [lowerFirst(segment), ...(PROP_ALIASES[joined] ?? []), ...(PROP_ALIASES[segment] ?? [])];
      const property = current.getProperties().find((p) => {
        const name = propertyName(p, this.ts);
        return name !== undefined && names.some((candidate) => candidate.toLowerCase() === name.toLowerCase());
      });
      if (!property) break;
      found = property;
      // An alias of two segments (MetadataOptions/HttpTokens → httpTokens) consumes both.
      if (PROP_ALIASES[joined]?.some((alias) => alias.toLowerCase() === propertyName(property, this.ts)?.toLowerCase()))
        index++;
      current = Node.isPropertyAssignment(property) ? this.objectOf(property.getInitializer()) : undefined;
    }
    return found;
  }

  /** An object or array literal behind an expression: itself, `new X({...})`, or a same-file const. */
  private objectOf(node: TsMorph.Node | undefined, depth = 0): TsMorph.Node | undefined {
    const { Node } = this.ts;
    if (!node || depth > 4) return undefined;
    if (Node.isObjectLiteralExpression(node) || Node.isArrayLiteralExpression(node)) return node;
    if (Node.isParenthesizedExpression(node) || Node.isAsExpression(node) || Node.isSatisfiesExpression(node))
      return this.objectOf(node.getExpression(), depth + 1);
    if (Node.isNewExpression(node) || Node.isCallExpression(node)) {
      const object = node.getArguments().find((a) => Node.isObjectLiteralExpression(a));
      return object;
    }
    if (Node.isIdentifier(node)) {
      const declaration = node.getSourceFile().getVariableDeclaration(node.getText());
      return this.objectOf(declaration?.getInitializer(), depth + 1);
    }
    return undefined;
  }

  /** `sg.addIngressRule(...)` for SecurityGroupIngress/N: the Nth such call on the construct's variable. */
  private methodCall(site: TsMorph.NewExpression, path: readonly string[]): TsMorph.Node | undefined {
    const { Node, SyntaxKind } = this.ts;
    const methods = METHOD_HINTS[path[0]];
    if (!methods?.length) return undefined;
    const parent = site.getParent();
    const variable = Node.isVariableDeclaration(parent)
      ? parent.getName()
      : Node.isBinaryExpression(parent)
        ? parent.getLeft().getText()
        : undefined;
    if (!variable) return undefined;
    const calls = site
      .getSourceFile()
      .getDescendantsOfKind(SyntaxKind.CallExpression)
      .filter((call) => {
        const callee = call.getExpression();
        return (
          Node.isPropertyAccessExpression(callee) &&
          methods.includes(callee.getName()) &&
          callee.getExpression().getText() === variable
        );
      });
    if (!calls.length) return undefined;
    const position = path.slice(1).find((segment) => /^\d+$/.test(segment));
    const call = calls[Math.min(position === undefined ? 0 : Number(position), calls.length - 1)];
    // Inside the call, the rest of the path after the list index (a key policy statement's Condition…).
    const rest = path.slice(1).filter((segment) => segment !== 'Statement' && !/^\d+$/.test(segment));
    const argument = call.getArguments()[0];
    return (rest.length && argument ? this.propertyNode(argument, rest) : undefined) ?? call;
  }

  private location(node: TsMorph.Node, via: SourceLocation['via'], end?: number): SourceLocation {
    const file = node.getSourceFile();
    const start = file.getLineAndColumnAtPos(node.getStart());
    let stop = file.getLineAndColumnAtPos(end ?? node.getEnd());
    // One line is what a code-scanning view shows; a region running over many lines hides the point.
    if (stop.line !== start.line) {
      const lineEnd = file.getFullText().indexOf('\n', node.getStart());
      stop = file.getLineAndColumnAtPos(lineEnd < 0 ? file.getEnd() : lineEnd);
    }
    return {
      file: file.getFilePath(),
      startLine: start.line,
      startColumn: start.column,
      endLine: stop.line,
      endColumn: Math.max(stop.column, start.column + 1),
      via,
    };
  }
}

function propertyName(property: TsMorph.ObjectLiteralElementLike, ts: typeof TsMorph): string | undefined {
  const { Node } = ts;
  if (!Node.isPropertyAssignment(property) && !Node.isShorthandPropertyAssignment(property)) return undefined;
  const name = property.getNameNode();
  if (Node.isStringLiteral(name) || Node.isNoSubstitutionTemplateLiteral(name)) return name.getLiteralText();
  return name.getText();
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
