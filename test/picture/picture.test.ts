import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { check, type CheckResult } from '../../src/check.js';
import { defaultConfig } from '../../src/engine/config.js';
import { isOpen } from '../../src/engine/finding.js';
import { toDot } from '../../src/picture/dot.js';
import { toHtml } from '../../src/picture/html.js';
import { layoutPicture, type Layout } from '../../src/picture/layout.js';
import { toSvg } from '../../src/picture/svg.js';
import { DOMParser } from '@xmldom/xmldom';
import { toMermaid } from '../../src/picture/mermaid.js';
import { buildPicture, type Picture, type PictureNode } from '../../src/picture/model.js';
import { REPO_ROOT } from '../helpers.js';

/** Debian's Chromium (`apt-get install chromium`; .ci/run installs it), driven by playwright-core. */
const CHROMIUM = '/usr/bin/chromium';
const OUTPUT = join(REPO_ROOT, 'test-output');
const require = createRequire(import.meta.url);

let result: CheckResult;
let picture: Picture;
let layout: Layout;
let browser: Browser | undefined;

function flatten(nodes: PictureNode[]): PictureNode[] {
  return nodes.flatMap((node) => [node, ...flatten(node.children)]);
}

beforeAll(async () => {
  result = await check({ paths: ['examples'], cwd: REPO_ROOT, root: REPO_ROOT, config: defaultConfig(REPO_ROOT) });
  picture = buildPicture(result);
  layout = await layoutPicture(picture);
  mkdirSync(OUTPUT, { recursive: true });
  if (existsSync(CHROMIUM)) {
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
  }
});

afterAll(async () => {
  await browser?.close();
});

describe('the graph picture', () => {
  it('nests guests in hosts and enclaves in their parent, and marks every open finding on an element', () => {
    const hostA = picture.roots.find((node) => node.id === 'host-a')!;
    const parent = hostA.children.find((node) => node.id === 'acme-signer-parent')!;
    expect(parent.children.map((node) => node.id)).toContain('acme-signer');
    const marked = flatten(picture.roots).reduce((sum, node) => sum + node.findings.length, 0) + picture.loose.length;
    expect(marked).toBe(result.findings.filter(isOpen).length);
    expect(flatten(picture.roots).find((node) => node.id === 'acme-signer')!.worst).toBe('error');
  });

  it('draws channels from the initiator, and flags the arrow a finding is about', () => {
    expect(picture.arrows).toContainEqual({
      from: 'host-b/controller',
      to: 'control-plane',
      label: 'https',
      kind: 'channel',
      worst: 'error',
    });
    expect(picture.arrows).toContainEqual({
      from: 'control-plane',
      to: 'host-a/controller',
      label: 'https',
      kind: 'channel',
    });
    const flagged = picture.arrows.findIndex((arrow) => arrow.worst);
    const finding = flatten(picture.roots)
      .flatMap((node) => node.findings)
      .find((f) => f.ruleId === 'one-way-controller-trust')!;
    expect(finding.arrow).toBe(flagged);
  });

  it('lays every box out at least as wide as its name, children inside their parent, every arrow routed', () => {
    const byId = new Map(layout.boxes.map((box) => [box.node.id, box]));
    expect(layout.boxes).toHaveLength(flatten(picture.roots).length);
    for (const box of layout.boxes) {
      expect(box.width, box.node.id).toBeGreaterThanOrEqual(box.label.length * 6);
      for (const child of box.node.children) {
        const inner = byId.get(child.id)!;
        expect(inner.x).toBeGreaterThanOrEqual(box.x);
        expect(inner.y).toBeGreaterThanOrEqual(box.y);
        expect(inner.x + inner.width).toBeLessThanOrEqual(box.x + box.width + 0.5);
        expect(inner.y + inner.height).toBeLessThanOrEqual(box.y + box.height + 0.5);
      }
    }
    for (const arrow of layout.arrows) expect(arrow.points.length, JSON.stringify(arrow.arrow)).toBeGreaterThan(1);
  });

  it('writes a well-formed standalone SVG from the same layout', () => {
    const svg = toSvg(layout);
    const errors: string[] = [];
    const document = new DOMParser({
      onError: (level, message) => errors.push(`${level}: ${message}`),
    }).parseFromString(svg, 'image/svg+xml');
    expect(errors).toEqual([]);
    expect(document.documentElement!.getAttribute('xmlns')).toBe('http://www.w3.org/2000/svg');
    expect(document.getElementsByTagName('g').length).toBe(layout.boxes.length + layout.arrows.length);
    writeFileSync(join(OUTPUT, 'graph.svg'), svg);
  });

  it('writes DOT with a cluster per container', () => {
    const dot = toDot(picture);
    expect(dot).toMatch(/^digraph isolint \{/);
    expect(dot).toContain('subgraph cluster_');
    expect(dot).toContain('"host-b/controller" -> "control-plane" [label="https"]');
    expect(dot.match(/\{/g)!.length).toBe(dot.match(/\}/g)!.length);
  });

  it.skipIf(!existsSync(CHROMIUM))('renders as a self-contained HTML page in headless Chromium', async () => {
    const file = join(OUTPUT, 'graph.html');
    writeFileSync(file, toHtml(picture, layout));
    const page = await browser!.newPage({ viewport: { width: 1600, height: 1000 } });
    const requests: string[] = [];
    page.on('request', (request) => requests.push(request.url()));
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(pathToFileURL(file).href);
    await page.waitForSelector('html[data-ready="true"]');

    expect(errors).toEqual([]);
    expect(requests.every((url) => url.startsWith('file:'))).toBe(true);
    expect(await page.locator('g.box').count()).toBe(flatten(picture.roots).length);
    const enclave = page.locator('g.box[data-id="acme-signer"]');
    expect(await enclave.getAttribute('class')).toContain('sev-error');
    expect(await enclave.locator('text.badge').textContent()).toBe('1');
    expect(await page.locator('g.box[data-id="host-b/controller"] text.badge').textContent()).toBe('1');
    expect(await page.locator('#findings > li').count()).toBe(result.findings.filter(isOpen).length);
    expect(await page.locator('path.arrow').count()).toBe(picture.arrows.length);
    // Clicking a finding highlights its element.
    await page.locator('#findings > li', { hasText: 'debug mode' }).click();
    expect(await enclave.getAttribute('class')).toContain('highlight');
    // Every flagged arrow is drawn with a visible path: long enough, and on top at its midpoint (no box hides it).
    // (A string, evaluated in the page: this project's TypeScript has no DOM library.)
    const flagged = await page.evaluate<
      Array<{ arrow: string; length: number; onTop: boolean }>
    >(`[...document.querySelectorAll('g.edge[class*="sev-"]')].map((edge) => {
      const path = edge.querySelector('path.arrow');
      const length = path.getTotalLength();
      const middle = path.getPointAtLength(length / 2);
      path.scrollIntoView({ block: 'center', inline: 'center' });
      const m = path.getScreenCTM();
      const hit = document.elementFromPoint(middle.x * m.a + middle.y * m.c + m.e, middle.x * m.b + middle.y * m.d + m.f);
      return { arrow: edge.getAttribute('data-arrow'), length, onTop: Boolean(hit && edge.contains(hit)) };
    })`);
    expect(flagged.length).toBe(picture.arrows.filter((arrow) => arrow.worst).length);
    expect(flagged.length).toBeGreaterThan(0);
    for (const arrow of flagged) {
      expect(arrow.length, JSON.stringify(arrow)).toBeGreaterThan(20);
      expect(arrow.onTop, JSON.stringify(arrow)).toBe(true);
    }
    // Selecting the finding about the controller's channel highlights that arrow.
    await page.locator('#findings > li', { hasText: 'initiates a channel' }).click();
    const index = picture.arrows.findIndex((arrow) => arrow.from === 'host-b/controller' && arrow.worst);
    expect(await page.locator(`g.edge[data-arrow="${index}"] path.arrow`).getAttribute('class')).toContain('highlight');
    await page.screenshot({ path: join(OUTPUT, 'graph.png'), fullPage: true });
    expect(existsSync(join(OUTPUT, 'graph.png'))).toBe(true);
    await page.close();
  });

  it.skipIf(!existsSync(CHROMIUM))('writes Mermaid that the mermaid library parses and renders', async () => {
    const page = await browser!.newPage();
    await page.setContent('<!doctype html><html><body><div id="out"></div></body></html>');
    await page.addScriptTag({ path: require.resolve('mermaid/dist/mermaid.min.js') });
    const text = toMermaid(picture);
    const svg = await page.evaluate(async (source) => {
      const mermaid = (
        globalThis as unknown as {
          mermaid: { initialize(o: object): void; render(id: string, text: string): Promise<{ svg: string }> };
        }
      ).mermaid;
      mermaid.initialize({ startOnLoad: false, securityLevel: 'strict' });
      return (await mermaid.render('isolint-graph', source)).svg;
    }, text);
    expect(svg).toMatch(/^<svg/);
    expect(svg).toContain('acme-signer');
    writeFileSync(join(OUTPUT, 'graph.mermaid.svg'), svg);
    await page.close();
  });
});

describe('parts with several owners', () => {
  it('draws a security group shared by an instance and a launch template beside both, with an arrow from each', async () => {
    const directory = join(OUTPUT, 'picture-shared-group');
    mkdirSync(directory, { recursive: true });
    writeFileSync(
      join(directory, 'template.yaml'),
      [
        'AWSTemplateFormatVersion: "2010-09-09"',
        'Resources:',
        '  AppGroup:',
        '    Type: AWS::EC2::SecurityGroup',
        '    Properties:',
        '      GroupDescription: app',
        '  OnlyMine:',
        '    Type: AWS::EC2::SecurityGroup',
        '    Properties:',
        '      GroupDescription: only the instance',
        '  App:',
        '    Type: AWS::EC2::Instance',
        '    Properties:',
        '      ImageId: ami-12345678',
        '      InstanceType: m5.xlarge',
        '      SecurityGroupIds: [!Ref AppGroup, !Ref OnlyMine]',
        '  AppTemplate:',
        '    Type: AWS::EC2::LaunchTemplate',
        '    Properties:',
        '      LaunchTemplateData:',
        '        ImageId: ami-12345678',
        '        InstanceType: m5.xlarge',
        '        SecurityGroupIds: [!Ref AppGroup]',
        '',
      ].join('\n'),
    );
    const shared = buildPicture(
      await check({ paths: [directory], cwd: REPO_ROOT, root: REPO_ROOT, config: defaultConfig(REPO_ROOT) }),
    );
    const all = flatten(shared.roots);
    const byName = (suffix: string) => all.find((node) => node.id.endsWith(`#${suffix}`))!;
    // Labelled by the logical id people wrote; the file-qualified id is for the tooltip.
    expect(byName('App').label).toBe('App');
    const [app, template, group, onlyMine] = [
      byName('App'),
      byName('AppTemplate'),
      byName('AppGroup'),
      byName('OnlyMine'),
    ];
    // The shared group is in neither owner; the one only the instance uses stays inside it.
    expect(app.children.map((node) => node.id)).not.toContain(group.id);
    expect(template.children.map((node) => node.id)).not.toContain(group.id);
    expect(app.children.map((node) => node.id)).toContain(onlyMine.id);
    expect(shared.roots.map((node) => node.id)).toContain(group.id);
    expect(shared.arrows).toContainEqual({ from: app.id, to: group.id, label: 'attaches', kind: 'attaches' });
    expect(shared.arrows).toContainEqual({ from: template.id, to: group.id, label: 'attaches', kind: 'attaches' });
    expect(shared.arrows.filter((arrow) => arrow.to === onlyMine.id)).toEqual([]);
    expect(toDot(shared)).toContain(`-> "${group.id}" [label="attaches"`);
  });
});
