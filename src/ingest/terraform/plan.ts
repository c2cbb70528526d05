import { prepareShellParser } from '../shell/parser.js';
import type { GraphFragment } from '../../model/nodes.js';
import { NO_SUPPRESSIONS } from '../../model/nodes.js';
import { isUnknown, unknown } from '../../model/unknown.js';
import type { Adapter } from '../adapter.js';
import { AwsFragment, Spans } from '../aws/fragment.js';
import { isRecord, reference } from '../aws/values.js';
import { parseJson } from '../json.js';
import type { LocatedDocument } from '../located.js';
import { setOwn } from '../located.js';
import { TerraformMapper, type TfResource, type TfScope } from './resources.js';

/**
 * `terraform show -json` of a plan: values from `planned_values` (positions are those of the plan
 * file), `after_unknown` of `resource_changes` as Unknown ("known after apply"), and references
 * between resources from `configuration` expressions, which become edges. Node ids are
 * `<file>#<address>`.
 */
export const terraformPlanAdapter: Adapter = {
  format: 'terraform-plan',
  prepare: prepareShellParser,
  extensions: ['.json'],
  claims: ({ text }) => {
    const head = text.slice(0, 4096);
    return (
      /"format_version"\s*:/.test(head) &&
      /"(planned_values|resource_changes|terraform_version)"\s*:/.test(text.slice(0, 65536))
    );
  },
  load(input) {
    const document = parseJson(input.file, input.text);
    return new PlanReader(document).read();
  },
};

const KNOWN_AFTER_APPLY = unknown('known after apply');

class PlanReader {
  private readonly resources = new Map<string, TfResource>();
  /** Base address (no index) → addresses of its instances, for references to counted resources. */
  private readonly instances = new Map<string, string[]>();
  private readonly spans: Spans;

  constructor(private readonly document: LocatedDocument) {
    this.spans = new Spans(document);
  }

  read(): GraphFragment {
    const plan = this.document.value;
    if (!isRecord(plan)) return { nodes: [], edges: [] };
    const planned = isRecord(plan.planned_values) ? plan.planned_values.root_module : undefined;
    this.collect(planned);
    this.applyUnknowns(plan.resource_changes);
    const configuration = isRecord(plan.configuration) ? plan.configuration.root_module : undefined;
    this.applyReferences(configuration, '');

    const fragment = new AwsFragment();
    const scope: TfScope = {
      idOf: (address) => `${this.document.file}#${this.instanceOf(address)}`,
      resource: (address) => this.resources.get(this.instanceOf(address)),
      resources: () => this.resources.values(),
    };
    const mapper = new TerraformMapper(fragment, scope);
    for (const resource of this.resources.values()) mapper.map(resource);
    mapper.finish();
    return fragment.finish();
  }

  private instanceOf(address: string): string {
    if (this.resources.has(address)) return address;
    return this.instances.get(address)?.[0] ?? address;
  }

  private collect(module: unknown, depth = 0): void {
    if (!isRecord(module) || depth > 64) return;
    const list = module.resources;
    if (Array.isArray(list)) {
      list.forEach((entry, index) => {
        if (
          !isRecord(entry) ||
          entry.mode === 'data' ||
          typeof entry.address !== 'string' ||
          typeof entry.type !== 'string'
        )
          return;
        const values = isRecord(entry.values) ? entry.values : {};
        this.resources.set(entry.address, {
          address: entry.address,
          type: entry.type,
          values,
          typeSpan: this.spans.key(entry, 'type', this.spans.key(list, index, this.document.spanOf(list))),
          suppressions: NO_SUPPRESSIONS,
          document: this.document,
        });
        const base = entry.address.replace(/\[[^\]]*\]$/, '');
        if (base !== entry.address) {
          const known = this.instances.get(base);
          if (known) known.push(entry.address);
          else this.instances.set(base, [entry.address]);
        }
      });
    }
    if (Array.isArray(module.child_modules)) for (const child of module.child_modules) this.collect(child, depth + 1);
  }

  /** Attributes that are unknown until apply are absent from planned values: mark them Unknown. */
  private applyUnknowns(changes: unknown): void {
    if (!Array.isArray(changes)) return;
    for (const change of changes) {
      if (!isRecord(change) || typeof change.address !== 'string' || !isRecord(change.change)) continue;
      const resource = this.resources.get(change.address);
      if (resource) markUnknown(resource.values, change.change.after_unknown, 0);
    }
  }

  /** Configuration expressions name the resources an attribute refers to: those become references. */
  private applyReferences(module: unknown, prefix: string, depth = 0): void {
    if (!isRecord(module) || depth > 64) return;
    if (Array.isArray(module.resources)) {
      for (const entry of module.resources) {
        if (!isRecord(entry) || typeof entry.address !== 'string' || !isRecord(entry.expressions)) continue;
        const base = `${prefix}${entry.address}`;
        const addresses = this.resources.has(base) ? [base] : (this.instances.get(base) ?? []);
        for (const address of addresses)
          this.mergeReferences(this.resources.get(address)!.values, entry.expressions, prefix, 0);
      }
    }
    if (isRecord(module.module_calls)) {
      for (const [name, call] of Object.entries(module.module_calls)) {
        if (isRecord(call)) this.applyReferences(call.module, `${prefix}module.${name}.`, depth + 1);
      }
    }
  }

  private mergeReferences(
    values: Record<string, unknown>,
    expressions: Record<string, unknown>,
    prefix: string,
    depth: number,
  ): void {
    if (depth > 32) return;
    for (const [key, expression] of Object.entries(expressions)) {
      const current = values[key];
      if (Array.isArray(expression)) {
        // Nested blocks: one expression object per block.
        if (Array.isArray(current)) {
          expression.forEach((block, index) => {
            if (isRecord(block) && isRecord(current[index]))
              this.mergeReferences(current[index], block, prefix, depth + 1);
          });
        }
        continue;
      }
      if (!isRecord(expression) || !Array.isArray(expression.references)) continue;
      const targets = [
        ...new Set(
          expression.references.map((r) => resourceAddress(r, prefix)).filter((t): t is string => t !== undefined),
        ),
      ];
      if (targets.length === 0) continue;
      const replaceable =
        current === undefined ||
        current === null ||
        isUnknown(current) ||
        (typeof current === 'string' && !current.trim().startsWith('{')) ||
        (Array.isArray(current) && current.every((item) => typeof item === 'string' || isUnknown(item)));
      if (!replaceable) continue;
      const references = targets.map((target) => reference(target));
      setOwn(values, key, Array.isArray(current) || targets.length > 1 ? references : references[0]);
    }
  }
}

/** `aws_security_group.web.id` → `aws_security_group.web` (with the module prefix); others undefined. */
function resourceAddress(reference: unknown, prefix: string): string | undefined {
  if (typeof reference !== 'string') return undefined;
  const parts = reference.replace(/\[[^\]]*\]/g, '').split('.');
  if (
    parts.length < 2 ||
    ['var', 'local', 'data', 'module', 'each', 'count', 'path', 'self', 'terraform'].includes(parts[0])
  )
    return undefined;
  return `${prefix}${parts[0]}.${parts[1]}`;
}

function markUnknown(values: unknown, mask: unknown, depth: number): void {
  if (depth > 32 || !isRecord(mask)) return;
  if (!isRecord(values)) return;
  for (const [key, flag] of Object.entries(mask)) {
    const current = values[key];
    if (flag === true) {
      if (current === undefined || current === null) setOwn(values, key, KNOWN_AFTER_APPLY);
    } else if (Array.isArray(flag) && Array.isArray(current)) {
      flag.forEach((item, index) => {
        if (item === true && (current[index] === undefined || current[index] === null))
          current[index] = KNOWN_AFTER_APPLY;
        else markUnknown(current[index], item, depth + 1);
      });
    } else if (isRecord(flag)) {
      markUnknown(current, flag, depth + 1);
    }
  }
}
