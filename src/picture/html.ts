import { VERSION } from '../version.js';
import type { Layout } from './layout.js';
import type { Picture } from './model.js';
import { toSvg } from './svg.js';

/**
 * One self-contained HTML page (no network: styles, script and data inline): the laid-out SVG (the same one
 * `graph -o x.svg` writes) beside the list of findings; selecting a finding highlights its element and, for a
 * finding about a channel or an access, its arrow. Readable without isolint, attachable to a ticket.
 */
export function toHtml(picture: Picture, layout: Layout, title = 'isolint: isolation graph'): string {
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
  header { padding: 12px 20px; background: #24292f; color: #fff; display: flex; gap: 16px; align-items: baseline; }
  header h1 { font-size: 16px; margin: 0; }
  header .counts span { margin-right: 12px; }
  main { display: flex; align-items: flex-start; gap: 16px; padding: 16px; }
  #canvas { flex: 1; overflow: auto; max-height: calc(100vh - 90px); background: #fff; border: 1px solid #d0d7de; border-radius: 8px; }
  #canvas svg { display: block; }
  #canvas g.box, #canvas g.edge { cursor: default; }
  aside { width: 380px; flex: none; max-height: calc(100vh - 90px); overflow: auto; background: #fff; border: 1px solid #d0d7de; border-radius: 8px; padding: 8px 12px; }
  aside h2 { font-size: 14px; }
  aside li { margin-bottom: 8px; cursor: pointer; border-radius: 4px; padding: 2px 4px; }
  aside li.selected { background: #fff8c5; }
  aside .rule { font-family: ui-monospace, monospace; font-size: 12px; color: #59636e; }
  .legend { color: #c9d1d9; font-size: 12px; }
</style>
</head>
<body>
<header><h1>${escapeHtml(title)}</h1><div class="counts" id="counts"></div><div class="legend">isolint ${escapeHtml(VERSION)} · arrows run from the initiator · dashed red: access · bold: manages · coloured: a finding</div></header>
<main>
  <div id="canvas">${toSvg(layout, { standalone: false })}</div>
  <aside><h2>Findings</h2><ol id="findings"></ol></aside>
</main>
<script type="application/json" id="picture-data">${data}</script>
<script>
(() => {
  const picture = JSON.parse(document.getElementById('picture-data').textContent);
  const svg = document.getElementById('picture');
  const list = document.getElementById('findings');
  const counts = { error: 0, warning: 0, note: 0 };
  const css = (text) => text.replace(/["\\\\]/g, '\\\\$&');

  function select(item, finding, elementId) {
    for (const marked of document.querySelectorAll('.highlight, li.selected')) marked.classList.remove('highlight', 'selected');
    item.classList.add('selected');
    const box = elementId ? svg.querySelector('g.box[data-id="' + css(elementId) + '"]') : null;
    const edge = finding.arrow !== undefined ? svg.querySelector('g.edge[data-arrow="' + finding.arrow + '"]') : null;
    if (box) box.classList.add('highlight');
    if (edge) edge.querySelector('path.arrow').classList.add('highlight');
    // The flagged arrow is what the finding is about: bring it (else its element) into view.
    const target = edge ? edge.querySelector('path.arrow') : box;
    if (target) target.scrollIntoView({ block: 'center', inline: 'center', behavior: 'smooth' });
  }

  function addFinding(finding, elementId) {
    counts[finding.severity]++;
    const item = document.createElement('li');
    item.className = 'finding sev-' + finding.severity;
    item.dataset.element = elementId || '';
    if (finding.arrow !== undefined) item.dataset.arrow = String(finding.arrow);
    const rule = document.createElement('div');
    rule.className = 'rule';
    rule.textContent = finding.severity + ' · ' + finding.ruleId + ' · ' + finding.file + ':' + finding.line;
    const message = document.createElement('div');
    message.textContent = finding.message;
    item.append(rule, message);
    item.addEventListener('click', () => select(item, finding, elementId));
    list.append(item);
  }

  const visit = (node) => {
    for (const finding of node.findings) addFinding(finding, node.id);
    node.children.forEach(visit);
  };
  picture.roots.forEach(visit);
  for (const finding of picture.loose) addFinding(finding, '');
  for (const severity of ['error', 'warning', 'note']) {
    const span = document.createElement('span');
    span.textContent = counts[severity] + ' ' + severity + (counts[severity] === 1 ? '' : 's');
    document.getElementById('counts').append(span);
  }
  if (!list.children.length) list.outerHTML = '<p>No open findings.</p>';
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
