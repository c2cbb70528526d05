/**
 * A JSON document whose one large array is written item by item: the text is exactly what
 * `JSON.stringify(document, null, 2)` would give with the items in place, but only one item is ever
 * turned into text at a time (a run with a million findings made a report larger than a string may be).
 */
export function* jsonWithStreamedArray(
  document: object,
  placeholder: string,
  items: Iterable<unknown>,
): Generator<string> {
  const text = JSON.stringify(document, null, 2);
  const marker = JSON.stringify(placeholder);
  const at = text.indexOf(marker);
  if (at < 0) throw new Error(`jsonWithStreamedArray: ${placeholder} is not in the document`);
  const keyLine = text.slice(text.lastIndexOf('\n', at) + 1, at);
  // The array's items sit one level below the line that holds it (`  "results": [`).
  const own = keyLine.length - keyLine.trimStart().length;
  const inner = ' '.repeat(own + 2);
  yield text.slice(0, at);
  let first = true;
  for (const item of items) {
    // As in an array JSON.stringify writes, an item with no JSON form is null.
    const body = JSON.stringify(item, null, 2) ?? 'null';
    yield `${first ? '[\n' : ',\n'}${inner}${body.includes('\n') ? body.replace(/\n/g, `\n${inner}`) : body}`;
    first = false;
  }
  yield first ? '[]' : `\n${' '.repeat(own)}]`;
  yield text.slice(at + marker.length);
}
