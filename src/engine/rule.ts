import { escapeControls } from '../errors.js';
import type { Graph } from '../model/graph.js';
import type { GraphEdge, GraphNode, InlineSuppression, NodeKind } from '../model/nodes.js';
import type { SourceSpan } from '../model/source.js';

export type Severity = 'error' | 'warning' | 'note';
export const SEVERITIES: readonly Severity[] = ['error', 'warning', 'note'];

/** The `{{name}}` placeholders of a message template, as a union of names. */
export type Placeholders<Template extends string> = Template extends `${string}{{${infer Name}}}${infer Rest}`
  ? Name | Placeholders<Rest>
  : never;

/** The values a template needs: a wrong or missing name fails the type check. */
export type MessageData<Template extends string> = { [Name in Placeholders<Template>]: string | number };

export interface RelatedLocation {
  span: SourceSpan;
  /** Short label shown with the location ("security-group rule", "parent instance"). */
  label: string;
}

export interface ReportDescriptor<Messages extends Record<string, string>, Id extends keyof Messages & string> {
  messageId: Id;
  data: MessageData<Messages[Id]>;
  /** The element the finding is about: its suppressions apply and its id keys the fingerprint. */
  subject: GraphNode | GraphEdge;
  /** The property at fault; the finding lands on its line when the input had it. */
  property?: string;
  /** An explicit location, when neither the subject nor a property span is the right line. */
  at?: SourceSpan;
  /** Evidence: the other elements of the path that make this a finding (SARIF relatedLocations). */
  related?: RelatedLocation[];
  /** Overrides the rule's severity: `note` for what cannot be decided (unknown values). */
  severity?: Severity;
  /** Further inline suppressions that apply (e.g. on the ingress rule at fault). */
  suppressions?: readonly InlineSuppression[];
}

export interface RuleContext<Messages extends Record<string, string>> {
  report<Id extends keyof Messages & string>(descriptor: ReportDescriptor<Messages, Id>): void;
}

export interface RuleMeta<Messages extends Record<string, string> = Record<string, string>> {
  /** Stable id; what SARIF shows as ruleId and what config and suppressions name. */
  id: string;
  /** PascalCase name for SARIF `rule.name`. */
  name: string;
  title: string;
  severity: Severity;
  /** SARIF `security-severity`, a score in (0, 10]: how bad a finding of this rule is. */
  securitySeverity: number;
  precision: 'very-high' | 'high' | 'medium' | 'low';
  tags: string[];
  /** isolint version that introduced the rule. */
  since: string;
  /** Where the property comes from: public documentation (with its URL), upstream rules of peers. */
  sources: string[];
  /** The node kinds the rule reads. */
  appliesTo: NodeKind[];
  /** Why the property matters, a paragraph. */
  rationale: string;
  /** How to fix a finding, a paragraph. */
  fix: string;
  messages: Messages;
}

export interface RuleDefinition<Messages extends Record<string, string>> extends RuleMeta<Messages> {
  check(graph: Graph, context: RuleContext<Messages>): void;
}

/** A rule as the engine sees it, with its message types erased. */
export interface Rule extends RuleMeta {
  /** A custom rule may be asynchronous; the engine waits for it within its time budget. */
  check(graph: Graph, context: RuleContext<Record<string, string>>): void | Promise<void>;
  /** The file a custom rule (--rules-dir) was loaded from, as given: its errors name it. */
  loadedFrom?: string;
}

/** Declares a rule: metadata first, the check last, in one file (CONTRIBUTING.md, "Add a rule"). */
export function defineRule<const Messages extends Record<string, string>>(definition: RuleDefinition<Messages>): Rule {
  return definition;
}

/** Fills a template's placeholders. */
export function renderMessage(template: string, data: Record<string, string | number>): string {
  return template.replace(/\{\{(\w+)\}\}/g, (whole, name: string) =>
    name in data ? escapeControls(String(data[name])) : whole,
  );
}
