import type { Picture, PictureNode } from './model.js';

/** Graphviz DOT of the picture: containers are clusters holding a node for themselves, so arrows can reach them. */
const COLOUR = { error: '#d1242f', warning: '#bf8700', note: '#0969da' } as const;

export function toDot(picture: Picture): string {
  const lines = [
    'digraph isolint {',
    '  rankdir=LR;',
    '  compound=true;',
    '  node [shape=box, style="rounded,filled", fillcolor="#ffffff", fontname="Helvetica"];',
  ];
  let clusters = 0;
  const nodeLine = (node: PictureNode, indent: string) => {
    const text = [node.label, node.kind + (node.detail ? ` · ${node.detail}` : '')];
    if (node.findings.length) text.push(`⚠ ${node.findings.map((f) => f.ruleId).join(', ')}`);
    const colour = node.worst ? `, color="${COLOUR[node.worst]}", penwidth=3` : '';
    lines.push(`${indent}${quote(node.id)} [label=${quote(text.join('\n'))}${colour}];`);
  };
  const draw = (node: PictureNode, indent: string) => {
    if (!node.children.length) {
      nodeLine(node, indent);
      return;
    }
    lines.push(
      `${indent}subgraph cluster_${clusters++} {`,
      `${indent}  label=${quote(`${node.kind} ${node.id}`)};`,
      `${indent}  style=rounded;`,
    );
    nodeLine(node, `${indent}  `);
    for (const child of node.children) draw(child, `${indent}  `);
    lines.push(`${indent}}`);
  };
  for (const root of picture.roots) draw(root, '  ');
  for (const arrow of picture.arrows) {
    const style = arrow.kind === 'access' ? ', style=dashed' : arrow.kind === 'manages' ? ', style=bold' : '';
    lines.push(`  ${quote(arrow.from)} -> ${quote(arrow.to)} [label=${quote(arrow.label)}${style}];`);
  }
  lines.push('}');
  return `${lines.join('\n')}\n`;
}

function quote(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}
