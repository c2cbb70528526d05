import { isUnknown, unknown, type Unknown } from '../../model/unknown.js';
import { MAX_DEPTH } from '../located.js';
import {
  interpolation,
  isRecord,
  isReference,
  pseudoValue,
  reference,
  type PseudoValue,
  type Reference,
} from './values.js';

/**
 * CloudFormation's intrinsic functions, worked out as far as a template alone allows: Parameters with
 * a Default, Mappings and Conditions resolve; Refs and GetAtts to resources become references (edges);
 * pseudo parameters, imports and parameters without defaults stay unknown. Nothing is enumerated:
 * a condition that cannot be decided makes its `Fn::If` unknown (cfn-lint#2874 shows what enumerating
 * condition combinations costs), unless both branches are the same.
 */

/** `!Ref AWS::NoValue`: the property is removed. */
export const NO_VALUE: unique symbol = Symbol('AWS::NoValue');

/** YAML short-form tags (`!Ref x`, `!GetAtt a.b`, `!Sub …`) as the long form they stand for. */
export function cloudFormationTag(tag: string, value: unknown): unknown {
  const name = tag.slice(1);
  if (name === 'Ref') return { Ref: value };
  if (name === 'Condition') return { Condition: value };
  if (name === 'GetAtt' && typeof value === 'string') {
    const dot = value.indexOf('.');
    return { 'Fn::GetAtt': dot < 0 ? [value] : [value.slice(0, dot), value.slice(dot + 1)] };
  }
  if (INTRINSIC_TAGS.has(name)) return { [`Fn::${name}`]: value };
  return undefined;
}

/** Every short-form tag `cloudFormationTag` reads, with its `!`: the YAML parser registers them. */
export const CLOUDFORMATION_TAGS: readonly string[] = [];

const INTRINSIC_TAGS = new Set([
  'GetAtt',
  'Sub',
  'If',
  'Join',
  'Select',
  'FindInMap',
  'ImportValue',
  'Base64',
  'Equals',
  'Not',
  'And',
  'Or',
  'GetAZs',
  'Cidr',
  'Split',
  'Length',
  'ToJsonString',
  'Transform',
]);

(CLOUDFORMATION_TAGS as string[]).push(...['Ref', 'Condition', ...INTRINSIC_TAGS].map((name) => `!${name}`));

const PSEUDO_PARAMETERS = new Set([
  'AWS::AccountId',
  'AWS::NotificationARNs',
  'AWS::Partition',
  'AWS::Region',
  'AWS::StackId',
  'AWS::StackName',
  'AWS::URLSuffix',
]);

/**
 * Intrinsics nest no deeper than the document does (each one is at least a mapping), and the parsers refuse
 * documents past MAX_DEPTH: within that, every nesting is evaluated, not downgraded to an unknown.
 */
const MAX_RESOLVE_DEPTH = 2 * MAX_DEPTH;

export interface TemplateSections {
  parameters: Record<string, unknown>;
  mappings: Record<string, unknown>;
  conditions: Record<string, unknown>;
  resources: Record<string, unknown>;
}

export class IntrinsicResolver {
  private readonly conditionValues = new Map<string, boolean | Unknown>();
  private readonly evaluating = new Set<string>();

  constructor(private readonly template: TemplateSections) {}

  /**
   * The value an expression stands for. Plain objects and arrays are returned as they are (their
   * members are resolved when read, so positions stay with the parsed containers); an intrinsic
   * yields its result, an Unknown, a Reference, or NO_VALUE.
   */
  resolve(value: unknown, depth = 0): unknown {
    if (!isRecord(value)) return value;
    const keys = Object.keys(value);
    if (keys.length !== 1) return value;
    const name = keys[0];
    if (name !== 'Ref' && name !== 'Condition' && !name.startsWith('Fn::')) return value;
    if (depth > MAX_RESOLVE_DEPTH) return unknown('intrinsic functions nested too deeply');
    const argument = value[name];
    switch (name) {
      case 'Ref':
        return this.ref(argument);
      case 'Condition':
        return typeof argument === 'string' ? this.condition(argument) : value;
      case 'Fn::GetAtt':
        return this.getAtt(argument, depth);
      case 'Fn::Sub':
        return this.sub(argument, depth);
      case 'Fn::Join':
        return this.join(argument, depth);
      case 'Fn::Select':
        return this.select(argument, depth);
      case 'Fn::Split':
        return this.split(argument, depth);
      case 'Fn::FindInMap':
        return this.findInMap(argument, depth);
      case 'Fn::If':
        return this.if(argument, depth);
      case 'Fn::Base64': {
        const text = this.resolve(argument, depth + 1);
        return typeof text === 'string'
          ? Buffer.from(text, 'utf8').toString('base64')
          : asUnknown(text, 'Fn::Base64 of an unresolved value');
      }
      case 'Fn::Equals':
      case 'Fn::Not':
      case 'Fn::And':
      case 'Fn::Or':
        return this.booleanOf(value, depth);
      case 'Fn::ImportValue':
        return unknown('imported from another stack (Fn::ImportValue)');
      case 'Fn::GetAZs':
        return unknown('availability zones are decided at deploy time (Fn::GetAZs)');
      case 'Fn::Cidr':
        return unknown('computed at deploy time (Fn::Cidr)');
      default:
        return unknown(`${name} is not evaluated`);
    }
  }

  /** A list with its items resolved and `AWS::NoValue` items removed; an unresolved list is Unknown. */
  list(value: unknown, depth = 0): unknown[] | Unknown {
    const resolved = this.resolve(value, depth);
    if (resolved === NO_VALUE || resolved === undefined || resolved === null) return [];
    if (isUnknown(resolved)) return resolved;
    if (!Array.isArray(resolved)) return [resolved];
    return resolved.map((item) => this.resolve(item, depth + 1)).filter((item) => item !== NO_VALUE);
  }

  /** A named condition of the template: true, false or unknown. */
  condition(name: string): boolean | Unknown {
    const known = this.conditionValues.get(name);
    if (known !== undefined) return known;
    if (!Object.hasOwn(this.template.conditions, name)) return unknown(`condition ${name} is not declared`);
    if (this.evaluating.has(name)) return unknown(`condition ${name} refers to itself`);
    // Each condition named by another is evaluated inside it: a chain of thousands would overflow the stack.
    if (this.evaluating.size >= MAX_DEPTH)
      return unknown(`condition ${name} is reached through more than ${MAX_DEPTH} conditions`);
    this.evaluating.add(name);
    const result = this.booleanOf(this.template.conditions[name], 0);
    this.evaluating.delete(name);
    const value = typeof result === 'boolean' ? result : asUnknown(result, `condition ${name} cannot be decided`);
    this.conditionValues.set(name, value);
    return value;
  }

  private booleanOf(value: unknown, depth: number): boolean | Unknown {
    if (depth > MAX_RESOLVE_DEPTH) return unknown('conditions nested too deeply');
    if (typeof value === 'boolean') return value;
    if (typeof value === 'string' && /^(true|false)$/i.test(value)) return value.toLowerCase() === 'true';
    if (!isRecord(value)) return unknown('not a condition');
    if ('Condition' in value && typeof value.Condition === 'string') return this.condition(value.Condition);
    const args = (key: string): unknown[] => {
      const list = this.resolve(value[key], depth + 1);
      return Array.isArray(list) ? list : [];
    };
    if ('Fn::Equals' in value) {
      const [a, b] = args('Fn::Equals').map((item) => this.resolve(item, depth + 1));
      if (isUnknown(a) || isUnknown(b)) {
        return unknown(`depends on ${describeUnknown(isUnknown(a) ? a : (b as Unknown))}`);
      }
      return JSON.stringify(a) === JSON.stringify(b) || String(a) === String(b);
    }
    if ('Fn::Not' in value) {
      const inner = this.booleanOf(this.resolve(args('Fn::Not')[0], depth + 1), depth + 1);
      return typeof inner === 'boolean' ? !inner : inner;
    }
    if ('Fn::And' in value || 'Fn::Or' in value) {
      const isAnd = 'Fn::And' in value;
      let undecided: Unknown | undefined;
      for (const item of args(isAnd ? 'Fn::And' : 'Fn::Or')) {
        const result = this.booleanOf(this.resolve(item, depth + 1), depth + 1);
        if (typeof result !== 'boolean') undecided ??= result;
        else if (result !== isAnd) return result;
      }
      return undecided ?? isAnd;
    }
    const resolved = this.resolve(value, depth + 1);
    return resolved === value ? unknown('not a condition') : this.booleanOf(resolved, depth + 1);
  }

  private ref(name: unknown): unknown {
    if (typeof name !== 'string') return unknown('Ref of something other than a name');
    if (name === 'AWS::NoValue') return NO_VALUE;
    if (PSEUDO_PARAMETERS.has(name)) {
      const reason = `pseudo parameter ${name} is decided at deploy time`;
      const pseudo = name.slice('AWS::'.length);
      return ['AccountId', 'Partition', 'Region', 'URLSuffix'].includes(pseudo)
        ? pseudoValue(pseudo as PseudoValue['pseudo'], reason)
        : unknown(reason);
    }
    const parameter = Object.hasOwn(this.template.parameters, name) ? this.template.parameters[name] : undefined;
    if (parameter !== undefined) {
      if (!isRecord(parameter) || !('Default' in parameter)) return unknown(`parameter ${name} has no default`);
      const type = typeof parameter.Type === 'string' ? parameter.Type : 'String';
      const value = parameter.Default;
      if ((type.startsWith('List<') || type === 'CommaDelimitedList') && typeof value === 'string') {
        return value.split(',').map((item) => item.trim());
      }
      return value;
    }
    if (Object.hasOwn(this.template.resources, name)) return reference(name);
    return unknown(`Ref to ${name}, which the template does not declare`);
  }

  private getAtt(argument: unknown, depth: number): unknown {
    const parts = typeof argument === 'string' ? argument.split('.') : Array.isArray(argument) ? argument : [];
    const [resource, ...attribute] = parts.map((part) => this.resolve(part, depth + 1));
    if (typeof resource !== 'string' || !Object.hasOwn(this.template.resources, resource))
      return unknown('Fn::GetAtt of a resource the template does not declare');
    const name = attribute.every((a) => typeof a === 'string') ? attribute.join('.') : undefined;
    return reference(resource, name);
  }

  private sub(argument: unknown, depth: number): unknown {
    const [template, variables] = Array.isArray(argument) ? (argument as unknown[]) : [argument];
    const text = this.resolve(template, depth + 1);
    if (typeof text !== 'string') return asUnknown(text, 'Fn::Sub of an unresolved string');
    const vars = isRecord(variables) ? variables : {};
    let undecided: Unknown | undefined;
    // The pieces, known text and unknown values, so ARNs with a pseudo parameter or a GetAtt stay readable.
    const parts: unknown[] = [];
    let last = 0;
    const result = text.replace(/\$\{(!?)([^}]*)\}/g, (whole, literal: string, name: string, offset: number) => {
      parts.push(text.slice(last, offset));
      last = offset + whole.length;
      if (literal) {
        parts.push(`\${${name}}`);
        return `\${${name}}`;
      }
      const trimmed = name.trim();
      let value: unknown;
      if (Object.hasOwn(vars, trimmed)) value = this.resolve(vars[trimmed], depth + 1);
      else if (trimmed.includes('.') && !trimmed.startsWith('AWS::')) value = this.getAtt(trimmed, depth + 1);
      else value = this.ref(trimmed);
      if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
        parts.push(String(value));
        return String(value);
      }
      undecided ??= asUnknown(value, `\${${trimmed}} cannot be resolved`);
      parts.push(isUnknown(value) ? value : unknown(`\${${trimmed}} cannot be resolved`));
      return whole;
    });
    parts.push(text.slice(last));
    return undecided ? interpolation(parts, `Fn::Sub: ${undecided.reason}`) : result;
  }

  private join(argument: unknown, depth: number): unknown {
    if (!Array.isArray(argument) || argument.length !== 2) return unknown('malformed Fn::Join');
    const delimiter = this.resolve(argument[0], depth + 1);
    const items = this.list(argument[1], depth + 1);
    if (isUnknown(items)) return items;
    if (typeof delimiter !== 'string') return unknown('Fn::Join with an unresolved delimiter');
    const texts: string[] = [];
    if (items.some((i) => isReference(i)) && items.every((i) => isReference(i) || typeof i === 'string')) {
      // Ids of resources joined into one string (`!Join [',', [!Ref A, !Ref B]]`): unknown text, but a
      // later Fn::Split on the same delimiter gives the references back.
      return joinedReferences(delimiter, items);
    }
    const parts: unknown[] = [];
    let undecided: Unknown | undefined;
    items.forEach((item, index) => {
      if (index > 0) parts.push(delimiter);
      if (typeof item === 'string' || typeof item === 'number' || typeof item === 'boolean') {
        texts.push(String(item));
        parts.push(String(item));
      } else {
        undecided ??= asUnknown(item, 'Fn::Join of an unresolved value');
        parts.push(isUnknown(item) ? item : undecided);
      }
    });
    return undecided ? interpolation(parts, undecided.reason) : texts.join(delimiter);
  }

  private select(argument: unknown, depth: number): unknown {
    if (!Array.isArray(argument) || argument.length !== 2) return unknown('malformed Fn::Select');
    const index = Number(this.resolve(argument[0], depth + 1));
    const items = this.list(argument[1], depth + 1);
    if (isUnknown(items)) return items;
    if (!Number.isInteger(index) || index < 0 || index >= items.length) return unknown('Fn::Select index out of range');
    return items[index];
  }

  private split(argument: unknown, depth: number): unknown {
    if (!Array.isArray(argument) || argument.length !== 2) return unknown('malformed Fn::Split');
    const delimiter = this.resolve(argument[0], depth + 1);
    const text = this.resolve(argument[1], depth + 1);
    if (typeof delimiter === 'string' && delimiter !== '') {
      // A resource id holds no delimiter: `!Split [',', !GetAtt SG.GroupId]` is the list of that one id.
      if (isReference(text)) return [text];
      const joined = joinedOf(text);
      if (
        joined &&
        joined.delimiter === delimiter &&
        joined.items.every((i) => typeof i !== 'string' || !i.includes(delimiter))
      )
        return [...joined.items];
    }
    if (typeof delimiter !== 'string' || typeof text !== 'string')
      return asUnknown(text, 'Fn::Split of an unresolved value');
    return text.split(delimiter);
  }

  private findInMap(argument: unknown, depth: number): unknown {
    if (!Array.isArray(argument) || argument.length < 3) return unknown('malformed Fn::FindInMap');
    const [mapName, topKey, secondKey] = argument.slice(0, 3).map((part) => this.resolve(part, depth + 1));
    const options: unknown = argument[3];
    const fallback = isRecord(options) && 'DefaultValue' in options ? options.DefaultValue : undefined;
    if (typeof mapName !== 'string' || typeof topKey !== 'string' || typeof secondKey !== 'string') {
      if (fallback !== undefined) return unknown('Fn::FindInMap with an unresolved key');
      return asUnknown([mapName, topKey, secondKey].find(isUnknown), 'Fn::FindInMap with an unresolved key');
    }
    // Own keys only: `!FindInMap [M, constructor, valueOf]` must not find Object.prototype's members.
    const map = Object.hasOwn(this.template.mappings, mapName) ? this.template.mappings[mapName] : undefined;
    const top = isRecord(map) && Object.hasOwn(map, topKey) ? map[topKey] : undefined;
    const found = isRecord(top) && Object.hasOwn(top, secondKey) ? top[secondKey] : undefined;
    if (found !== undefined) return found;
    if (fallback !== undefined) return fallback;
    return unknown(`mapping ${mapName} has no ${topKey}/${secondKey}`);
  }

  private if(argument: unknown, depth: number): unknown {
    if (!Array.isArray(argument) || argument.length !== 3 || typeof argument[0] !== 'string')
      return unknown('malformed Fn::If');
    const condition = this.condition(argument[0]);
    if (typeof condition === 'boolean') return this.resolve(argument[condition ? 1 : 2], depth + 1);
    const whenTrue = this.resolve(argument[1], depth + 1);
    const whenFalse = this.resolve(argument[2], depth + 1);
    const simple = (v: unknown) => v === null || ['string', 'number', 'boolean'].includes(typeof v);
    if (simple(whenTrue) && simple(whenFalse) && String(whenTrue) === String(whenFalse)) return whenTrue;
    return unknown(`depends on condition ${argument[0]} (${condition.reason})`);
  }
}

const JOINED = Symbol.for('isolint.joinedReferences');

/** An Fn::Join whose items include resource references: unknown as text, with its items kept. */
function joinedReferences(delimiter: string, items: Array<string | Reference>): Unknown {
  const value = unknown('Fn::Join of ids decided at deploy time');
  Object.defineProperty(value, JOINED, { value: { delimiter, items }, enumerable: false });
  return value;
}

/** The items of an Fn::Join that stayed unknown because it joins resource ids, or undefined. */
export function joinedOf(value: unknown): { delimiter: string; items: Array<string | Reference> } | undefined {
  return isUnknown(value)
    ? (value as { [JOINED]?: { delimiter: string; items: Array<string | Reference> } })[JOINED]
    : undefined;
}

function asUnknown(value: unknown, fallback: string): Unknown {
  return isUnknown(value) ? value : unknown(fallback);
}

function describeUnknown(value: Unknown): string {
  return value.reason;
}
