import type { RelatedLocation, RuleContext } from '../../src/engine/rule.js';
import type { GraphNode } from '../../src/model/nodes.js';
import { MAX_RELATED, nameOf } from '../../src/model/queries.js';
import type { SourceSpan } from '../../src/model/source.js';
import { isUnknown, type Maybe } from '../../src/model/unknown.js';
import type { Messages } from '../no-oversubscription.js';

/** What every concern of the rule reports through. */
export type Context = RuleContext<Messages>;

/** A note: `what` of `subject` cannot be checked, and why. `what` also keys the finding's fingerprint. */
export function undecided(context: Context, subject: GraphNode, what: string, reason: string, at?: SourceSpan): void {
  context.report({
    messageId: 'undecided',
    data: { what, subject: nameOf(subject), reason },
    subject,
    severity: 'note',
    property: `capacity:${what}`,
    at,
  });
}

/** The sum of known values, or the first unknown (one unknown guest makes the total unknown). */
export function sum<T>(items: readonly T[], valueOf: (item: T) => Maybe<number>): Maybe<number> {
  let total = 0;
  for (const item of items) {
    const value = valueOf(item);
    if (isUnknown(value)) return value;
    total += value;
  }
  return total;
}

/** The guests that make up a demand, as related locations. */
export function guestLocations(guests: GraphNode[]): RelatedLocation[] {
  return guests
    .slice(0, MAX_RELATED)
    .map((guest) => ({ span: guest.source, label: `${guest.kind} '${nameOf(guest)}'` }));
}
