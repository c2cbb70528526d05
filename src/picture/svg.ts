import type { Severity } from '../engine/rule.js';
import type { LaidOutArrow, LaidOutBox, Layout } from './layout.js';

/**
 * The laid-out picture as one standalone SVG document: boxes (parents under children), then every arrow on
 * top, so no arrow runs behind a box; findings outline their box or thicken their arrow in the severity's
 * colour. Each box and arrow has a <title> (the tooltip: file, line, id, findings) and data attributes the
 * HTML page uses to highlight a finding's element and arrow.
 */
const KIND_FILL: Record<string, string> = {
  host: '#eef1f4',
  instance: '#fbfcfd',
  enclave: '#f5f0ff',
  volume: '#fff8e6',
  nic: '#f0f7ff',
  securityGroup: '#f0f7ff',
  image: '#f6f8fa',
  principal: '#fff5f5',
};
const SEVERITY_COLOUR: Record<Severity, string> = { error: '#d1242f', warning: '#bf8700', note: '#0969da' };
const ARROW_COLOUR = {
  channel: '#57606a',
  access: '#cf222e',
  uses: '#57606a',
  manages: '#1f2328',
  attaches: '#8c959f',
};

export function toSvg(layout: Layout, options: { standalone?: boolean } = {}): string {
  const width = Math.ceil(layout.width);
  const height = Math.ceil(layout.height);
  const out: string[] = [];
  if (options.standalone !== false) out.push('<?xml version="1.0" encoding="UTF-8"?>');
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" id="picture" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="-apple-system, 'Segoe UI', Helvetica, Arial, sans-serif">`,
    '<defs>',
    ...(['plain', 'error', 'warning', 'note'] as const).map(
      (name) =>
        `<marker id="head-${name}" viewBox="0 0 10 10" refX="9" refY="5" markerUnits="userSpaceOnUse" markerWidth="10" markerHeight="10" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="${name === 'plain' ? '#57606a' : SEVERITY_COLOUR[name]}"/></marker>`,
    ),
    '<style>.arrow{fill:none}.box text{pointer-events:none}.highlight>rect{stroke:#ffd33d;stroke-width:6}path.arrow.highlight{stroke:#ffd33d;stroke-width:6}</style>',
    '</defs>',
    `<rect width="${width}" height="${height}" fill="#f6f8fa"/>`,
  );
  for (const box of layout.boxes) out.push(drawBox(box));
  layout.arrows.forEach((arrow, index) => out.push(drawArrow(arrow, index)));
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}

function drawBox(box: LaidOutBox): string {
  const { node } = box;
  const stroke = node.worst ? SEVERITY_COLOUR[node.worst] : node.kind === 'enclave' ? '#8250df' : '#d0d7de';
  const strokeWidth = node.worst ? (node.worst === 'note' ? 2 : 3) : node.kind === 'host' ? 2 : 1;
  const dash = node.worst === 'note' ? ' stroke-dasharray="6 4"' : '';
  const tooltip = [
    `${node.file}:${node.line}`,
    node.id,
    ...node.findings.map((finding) => `${finding.severity}: ${finding.message} (${finding.ruleId})`),
  ].join('\n');
  const small = box.height <= 36 && !box.compound;
  const parts = [
    `<g class="box kind-${node.kind}${node.worst ? ` sev-${node.worst}` : ''}" data-id="${escapeXml(node.id)}">`,
    `<title>${escapeXml(tooltip)}</title>`,
    `<rect x="${r(box.x)}" y="${r(box.y)}" width="${r(box.width)}" height="${r(box.height)}" rx="8" fill="${KIND_FILL[node.kind] ?? '#ffffff'}" stroke="${stroke}" stroke-width="${strokeWidth}"${dash}/>`,
    `<text x="${r(box.x + 10)}" y="${r(box.y + (small ? 15 : 18))}" font-size="${small ? 12 : 13}" font-weight="600" fill="#1f2328">${escapeXml(box.label)}</text>`,
    `<text x="${r(box.x + 10)}" y="${r(box.y + (small ? 29 : 35))}" font-size="${small ? 11 : 12}" fill="#59636e">${escapeXml(box.detail)}</text>`,
  ];
  if (node.findings.length) {
    const cx = box.x + box.width - 4;
    parts.push(
      `<circle cx="${r(cx)}" cy="${r(box.y + 4)}" r="9" fill="${SEVERITY_COLOUR[node.worst ?? 'note']}"/>`,
      `<text class="badge" x="${r(cx)}" y="${r(box.y + 8)}" font-size="11" fill="#fff" text-anchor="middle">${node.findings.length}</text>`,
    );
  }
  parts.push('</g>');
  return parts.join('');
}

function drawArrow(laid: LaidOutArrow, index: number): string {
  const { arrow, points } = laid;
  if (points.length < 2) return '';
  const colour = arrow.worst ? SEVERITY_COLOUR[arrow.worst] : ARROW_COLOUR[arrow.kind];
  const width = arrow.worst ? 3 : arrow.kind === 'manages' ? 2.5 : 1.5;
  const dash = arrow.kind === 'access' || arrow.kind === 'attaches' ? ' stroke-dasharray="5 4"' : '';
  const d = points.map((point, i) => `${i === 0 ? 'M' : 'L'}${r(point.x)},${r(point.y)}`).join(' ');
  const parts = [
    `<g class="edge${arrow.worst ? ` sev-${arrow.worst}` : ''}" data-arrow="${index}" data-from="${escapeXml(arrow.from)}" data-to="${escapeXml(arrow.to)}">`,
    `<title>${escapeXml(`${arrow.kind} ${arrow.from} → ${arrow.to}${arrow.label ? ` (${arrow.label})` : ''}`)}</title>`,
    // A wide transparent twin makes the thin line easy to hover and click.
    `<path d="${d}" fill="none" stroke="transparent" stroke-width="10" pointer-events="stroke"/>`,
    `<path class="arrow arrow-${arrow.kind}" d="${d}" stroke="${colour}" stroke-width="${width}"${dash} marker-end="url(#head-${arrow.worst ?? 'plain'})" pointer-events="stroke"/>`,
  ];
  if (laid.label) {
    const { x, y, width: w, height: h, text } = laid.label;
    parts.push(
      `<rect x="${r(x)}" y="${r(y)}" width="${r(w)}" height="${r(h)}" rx="3" fill="#ffffff" fill-opacity="0.9"/>`,
      `<text x="${r(x + w / 2)}" y="${r(y + h - 3)}" font-size="11" text-anchor="middle" fill="${colour}">${escapeXml(text)}</text>`,
    );
  }
  parts.push('</g>');
  return parts.join('');
}

const r = (value: number) => String(Math.round(value * 10) / 10);

export function escapeXml(text: string): string {
  return (
    text
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/"/g, '&quot;')
      // Control characters are not allowed in XML 1.0 at all, even escaped.
      // eslint-disable-next-line no-control-regex
      .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '')
  );
}
