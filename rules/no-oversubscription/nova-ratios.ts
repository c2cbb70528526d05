import type { HostNode } from '../../src/model/nodes.js';
import { nameOf } from '../../src/model/queries.js';
import { isUnknown } from '../../src/model/unknown.js';
import { undecided, type Context } from './report.js';

/**
 * Nova's scheduler multiplies a host's CPUs, RAM and disk by its allocation ratios: above 1.0 it promises
 * more than the host has (https://docs.openstack.org/nova/latest/configuration/config.html).
 */
export function checkNovaRatios(host: HostNode, context: Context): void {
  const ratios = host.allocationRatios;
  if (!ratios) return;
  for (const [resource, option, value] of [
    ['CPUs', 'cpu_allocation_ratio', ratios.cpu],
    ['memory', 'ram_allocation_ratio', ratios.ram],
    ['disk', 'disk_allocation_ratio', ratios.disk],
  ] as const) {
    if (isUnknown(value)) {
      undecided(context, host, option, value.reason, host.at[option]);
    } else if (value > 1) {
      context.report({
        messageId: 'allocationRatio',
        data: { host: nameOf(host), ratio: value, resource, option },
        subject: host,
        property: option,
      });
    }
  }
}
