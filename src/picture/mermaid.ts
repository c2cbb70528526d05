import type { Picture, PictureNode } from './model.js';

/**
 * Mermaid flowchart of the picture, for GitHub markdown (```mermaid blocks render in place): containers
 * are subgraphs, channels solid arrows from the initiator, access dashed arrows, findings colour the
 * element and count in its label.
 */
const STYLE = {
  error: 'fill:#ffebe9,stroke:#d1242f,stroke-width:3px',
  warning: 'fill:#fff8c5,stroke:#bf8700,stroke-width:2px',
  note: 'fill:#ddf4ff,stroke:#0969da,stroke-width:1px',
} as const;

export function toMermaid(picture: Picture): string {
  const ids = new Map<string, string>();
  const idOf = (id: string) => {
    let safe = ids.get(id);
    if (!safe) {
      safe = `n${ids.size}_${id.replace(/[^A-Za-z0-9_]/g, '_').slice(0, 40)}`;
      ids.set(id, safe);
    }
    return safe;
  };
  const lines = ['flowchart LR'];
  const styles: string[] = [];
  const label = (node: PictureNode) => {
    const parts = [`<b>${escape(node.label)}</b>`, escape(node.kind + (node.detail ? ` · ${node.detail}` : ''))];
    if (node.findings.length) parts.push(`⚠ ${node.findings.length} finding${node.findings.length > 1 ? 's' : ''}`);
    return `"${parts.join('<br/>')}"`;
  };
  const draw = (node: PictureNode, indent: string) => {
    const id = idOf(node.id);
    if (node.children.length) {
      lines.push(`${indent}subgraph ${id} [${label(node)}]`);
      for (const child of node.children) draw(child, `${indent}  `);
      lines.push(`${indent}end`);
    } else {
      lines.push(`${indent}${id}[${label(node)}]`);
    }
    if (node.worst) styles.push(`style ${id} ${STYLE[node.worst]}`);
  };
  for (const root of picture.roots) draw(root, '  ');
  for (const arrow of picture.arrows) {
    const link = arrow.kind === 'access' ? '-.->' : arrow.kind === 'manages' ? '==>' : '-->';
    lines.push(`  ${idOf(arrow.from)} ${link}|${escape(arrow.label)}| ${idOf(arrow.to)}`);
  }
  lines.push(...styles.map((style) => `  ${style}`));
  return `${lines.join('\n')}\n`;
}

/** Mermaid labels are quoted; quotes and angle brackets become entities. */
function escape(text: string): string {
  return text.replace(/"/g, '#quot;').replace(/</g, '#lt;').replace(/>/g, '#gt;').replace(/\|/g, '#124;');
}
