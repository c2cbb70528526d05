import type { Element } from '@xmldom/xmldom';
import type { SourceSpan } from '../../model/source.js';
import { lazyModule } from '../lazy-module.js';
import { inputError } from './common.js';

/** Loaded when the first XML input is read. */
const xmldom = lazyModule<typeof import('@xmldom/xmldom')>('@xmldom/xmldom');

/**
 * XML with positions through @xmldom/xmldom (the project's choice): every element and attribute carries
 * lineNumber and columnNumber, which is all a finding needs. Malformed XML is one located InputError.
 */
export function parseXml(file: string, text: string): Element {
  let failure: { message: string; line?: number; column?: number } | undefined;
  const { DOMParser } = xmldom();
  const parser = new DOMParser({
    onError(level: string, message: string, context?: unknown) {
      if (level === 'warning' || failure) return;
      const locator = (context as { locator?: { lineNumber?: number; columnNumber?: number } } | undefined)?.locator;
      failure = {
        message: message.replace(/\s*@#\[line:\d+,col:\d+\]\s*$/, ''),
        line: locator?.lineNumber,
        column: locator?.columnNumber,
      };
      throw new Error(failure.message);
    },
  });
  let root: Element | null;
  try {
    root = parser.parseFromString(text, 'text/xml').documentElement;
  } catch (error) {
    const message = failure?.message ?? (error instanceof Error ? error.message : String(error));
    throw inputError(`malformed XML: ${message}`, file, failure?.line, failure?.column);
  }
  if (!root) throw inputError('malformed XML: no root element', file);
  return root;
}

/** Direct children with a local name (namespace prefixes ignored). */
export function children(element: Element, name?: string): Element[] {
  const found: Element[] = [];
  for (let node = element.firstChild; node; node = node.nextSibling) {
    if (node.nodeType === 1 && (!name || (node as Element).localName === name)) found.push(node as Element);
  }
  return found;
}

export function child(element: Element, name: string): Element | undefined {
  for (let node = element.firstChild; node; node = node.nextSibling) {
    if (node.nodeType === 1 && (node as Element).localName === name) return node as Element;
  }
  return undefined;
}

/** An attribute's value, or undefined when absent (xmldom returns null). */
export function attribute(element: Element | undefined, name: string): string | undefined {
  if (!element || !element.hasAttribute(name)) return undefined;
  return element.getAttribute(name) ?? undefined;
}

export function textOf(element: Element | undefined): string | undefined {
  return element?.textContent?.trim() ?? undefined;
}

/** Where an element starts (its `<`), as a one-line span. */
export function elementSpan(file: string, element: Element): SourceSpan {
  const line = element.lineNumber ?? 1;
  const column = element.columnNumber ?? 1;
  return { file, startLine: line, startColumn: column, endLine: line, endColumn: column + 1 + element.tagName.length };
}

/** Where an attribute is written, falling back to its element. */
export function attributeSpan(file: string, element: Element, name: string): SourceSpan {
  const node = element.getAttributeNode(name);
  if (!node || node.lineNumber === undefined) return elementSpan(file, element);
  const line = node.lineNumber;
  const column = node.columnNumber ?? 1;
  return { file, startLine: line, startColumn: column, endLine: line, endColumn: column + name.length };
}

/** A cheap look at the first element name, skipping the prolog and comments (for `claims`). */
export function rootElementName(text: string): string | undefined {
  const match = /^(?:\s|<\?[\s\S]*?\?>|<!--[\s\S]*?-->|<!DOCTYPE[^>]*>)*<([A-Za-z_][\w.-]*:)?([A-Za-z_][\w.-]*)/.exec(
    text.slice(0, 4096),
  );
  return match?.[2];
}
