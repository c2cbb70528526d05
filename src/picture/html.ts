import { VERSION } from '../version.js';
import type { Picture } from './model.js';

/**
 * One self-contained HTML page (no network: styles, script and data inline): elements as nested boxes,
 * arrows drawn over them in SVG from who initiates, findings outlined on their element and listed beside,
 * each linked to its element. Readable without isolint, attachable to a ticket.
 */
export function toHtml(picture: Picture, title = 'isolint: isolation graph'): string {
  // The data goes in as JSON inside a script element; "</" is escaped so no value can end that element.
  const data = JSON.stringify(picture).replace(/</g, '\\u003c');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<title>${escapeHtml(title)}</title>
<style>
  body { font: 14px/1.4 -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; margin: 0; color: #1f2328; background: #f6f8fa; }
  header { position: relative; z-index: 2; padding: 12px 20px; background: #24292f; color: #fff; display: flex; gap: 16px; align-items: baseline; }
  header h1 { font-size: 16px; margin: 0; }
  header .counts span { margin-right: 12px; }
  main { display: flex; align-items: flex-start; gap: 16px; padding: 16px; }
  #canvas { position: relative; flex: 1; display: flex; flex-wrap: wrap; gap: 16px; align-items: flex-start; padding-top: 40px; }
  #arrows { position: absolute; inset: 0; pointer-events: none; overflow: visible; }
  .element { position: relative; background: #fff; border: 1px solid #d0d7de; border-radius: 8px; padding: 8px 10px; min-width: 120px; }
  .element > .children { display: flex; flex-wrap: wrap; gap: 8px; margin-top: 8px; }
  .element.kind-host { background: #f0f3f6; border-width: 2px; }
  .element.kind-instance { background: #fbfcfd; }
  .element.kind-enclave { background: #f5f0ff; border-color: #8250df; }
  .element.kind-volume, .element.kind-nic, .element.kind-securityGroup, .element.kind-image { min-width: 0; font-size: 12px; padding: 4px 6px; }
  .element .name { font-weight: 600; word-break: break-all; }
  .element .detail { color: #59636e; font-size: 12px; }
  .element.sev-error { border: 3px solid #d1242f; }
  .element.sev-warning { border: 3px solid #bf8700; }
  .element.sev-note { border: 2px dashed #0969da; }
  .badge { position: absolute; top: -9px; right: -9px; border-radius: 10px; padding: 0 6px; font-size: 11px; color: #fff; background: #d1242f; }
  .sev-warning > .badge { background: #bf8700; }
  .sev-note > .badge { background: #0969da; }
  .element.highlight { box-shadow: 0 0 0 4px #ffd33d; }
  aside { width: 380px; max-height: calc(100vh - 90px); overflow: auto; background: #fff; border: 1px solid #d0d7de; border-radius: 8px; padding: 8px 12px; }
  aside h2 { font-size: 14px; }
  aside li { margin-bottom: 8px; cursor: pointer; }
  aside .rule { font-family: ui-monospace, monospace; font-size: 12px; color: #59636e; }
  .legend { color: #59636e; font-size: 12px; }
</style>
</head>
<body>
<header><h1>${escapeHtml(title)}</h1><div class="counts" id="counts"></div><div class="legend">isolint ${escapeHtml(VERSION)} · solid arrows: channels from the initiator · dashed: access · bold: manages</div></header>
<main>
  <div id="canvas"><svg id="arrows" aria-hidden="true"></svg></div>
  <aside><h2>Findings</h2><ol id="findings"></ol></aside>
</main>
<script type="application/json" id="picture-data">${data}</script>
<script>
(() => {
  const picture = JSON.parse(document.getElementById('picture-data').textContent);
  const canvas = document.getElementById('canvas');
  const svg = document.getElementById('arrows');
  const list = document.getElementById('findings');
  const elements = new Map();
  const counts = { error: 0, warning: 0, note: 0 };

  function draw(node, parent) {
    const box = document.createElement('div');
    box.className = 'element kind-' + node.kind + (node.worst ? ' sev-' + node.worst : '');
    box.dataset.id = node.id;
    box.dataset.kind = node.kind;
    box.title = node.file + ':' + node.line + (node.findings.length ? '\\n' + node.findings.map((f) => f.severity + ': ' + f.message).join('\\n') : '');
    const name = document.createElement('div');
    name.className = 'name';
    name.textContent = node.label;
    const detail = document.createElement('div');
    detail.className = 'detail';
    detail.textContent = node.kind + (node.detail ? ' · ' + node.detail : '');
    box.append(name, detail);
    if (node.findings.length) {
      const badge = document.createElement('span');
      badge.className = 'badge';
      badge.textContent = String(node.findings.length);
      box.append(badge);
    }
    for (const finding of node.findings) addFinding(finding, node.id);
    if (node.children.length) {
      const children = document.createElement('div');
      children.className = 'children';
      for (const child of node.children) draw(child, children);
      box.append(children);
    }
    elements.set(node.id, box);
    parent.append(box);
  }

  function addFinding(finding, elementId) {
    counts[finding.severity]++;
    const item = document.createElement('li');
    item.className = 'finding sev-' + finding.severity;
    item.dataset.element = elementId || '';
    const rule = document.createElement('div');
    rule.className = 'rule';
    rule.textContent = finding.severity + ' · ' + finding.ruleId + ' · ' + finding.file + ':' + finding.line;
    const message = document.createElement('div');
    message.textContent = finding.message;
    item.append(rule, message);
    item.addEventListener('click', () => {
      for (const box of elements.values()) box.classList.remove('highlight');
      const box = elements.get(elementId);
      if (box) { box.classList.add('highlight'); box.scrollIntoView({ block: 'center', behavior: 'smooth' }); }
    });
    list.append(item);
  }

  for (const root of picture.roots) draw(root, canvas);
  for (const finding of picture.loose) addFinding(finding, '');
  document.getElementById('counts').innerHTML = '';
  for (const severity of ['error', 'warning', 'note']) {
    const span = document.createElement('span');
    span.textContent = counts[severity] + ' ' + severity + (counts[severity] === 1 ? '' : 's');
    document.getElementById('counts').append(span);
  }
  if (!list.children.length) list.outerHTML = '<p>No open findings.</p>';

  const NS = 'http://www.w3.org/2000/svg';
  function drawArrows() {
    svg.replaceChildren();
    const defs = document.createElementNS(NS, 'defs');
    defs.innerHTML = '<marker id="head" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#57606a"/></marker>';
    svg.append(defs);
    const origin = canvas.getBoundingClientRect();
    for (const arrow of picture.arrows) {
      const from = elements.get(arrow.from), to = elements.get(arrow.to);
      if (!from || !to) continue;
      const a = from.getBoundingClientRect(), b = to.getBoundingClientRect();
      // From the top edge of one box to the top edge of the other, curving above both (never above the canvas).
      const x1 = a.left + a.width / 2 - origin.left, y1 = a.top - origin.top;
      const x2 = b.left + b.width / 2 - origin.left, y2 = b.top - origin.top;
      const path = document.createElementNS(NS, 'path');
      const peak = Math.max(4, Math.min(y1, y2) - Math.max(24, Math.abs(x2 - x1) / 6));
      const bend = Math.min(y1, y2) - peak;
      path.setAttribute('d', 'M' + x1 + ',' + y1 + ' C' + x1 + ',' + peak + ' ' + x2 + ',' + peak + ' ' + x2 + ',' + y2);
      path.setAttribute('fill', 'none');
      path.setAttribute('stroke', arrow.kind === 'access' ? '#cf222e' : '#57606a');
      path.setAttribute('stroke-width', arrow.kind === 'manages' ? '2.5' : '1.5');
      if (arrow.kind === 'access') path.setAttribute('stroke-dasharray', '5 4');
      path.setAttribute('marker-end', 'url(#head)');
      path.dataset.from = arrow.from;
      path.dataset.to = arrow.to;
      path.classList.add('arrow', 'arrow-' + arrow.kind);
      const label = document.createElementNS(NS, 'text');
      label.setAttribute('x', String((x1 + x2) / 2));
      label.setAttribute('y', String(Math.max(12, peak + bend * 0.25)));
      label.setAttribute('font-size', '11');
      label.setAttribute('fill', '#57606a');
      label.textContent = arrow.label;
      svg.append(path, label);
    }
  }
  drawArrows();
  window.addEventListener('resize', drawArrows);
  document.documentElement.dataset.ready = 'true';
})();
</script>
</body>
</html>
`;
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
