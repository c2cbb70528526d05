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
  // Each item is written by JSON.stringify nested as deep as it sits, and cut out of the brackets around
  // it: the indentation comes from the native serializer, with no pass over the text to indent it.
  const depth = inner.length / 2;
  const wrap = (item: unknown): unknown => {
    let wrapped = item;
    for (let i = 0; i < depth; i++) wrapped = [wrapped];
    return wrapped;
  };
  const probe = JSON.stringify(wrap(0), null, 2);
  const before = probe.indexOf('0');
  const after = probe.length - before - 1;
  let first = true;
  for (const item of items) {
    // As in an array JSON.stringify writes, an item with no JSON form is null.
    const nested = JSON.stringify(wrap(item ?? null), null, 2);
    const body = nested.slice(before - inner.length, nested.length - after);
    yield `${first ? '[\n' : ',\n'}${body}`;
    first = false;
  }
  yield first ? '[]' : `\n${' '.repeat(own)}]`;
  yield text.slice(at + marker.length);
}
