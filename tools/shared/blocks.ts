/**
 * The generated blocks of README.md and docs/*.md: the text between `<!-- NAME:start -->` and
 * `<!-- NAME:end -->`, found, replaced and compared the same way by `npm run docs` and `npm run diagram`.
 */

/** A generated block: the exact text between its markers. */
export interface GeneratedBlock {
  readonly name: string;
  readonly content: string;
}

/** `text` as a fenced code block in `language`, on lines of its own. */
export function fenced(language: string, text: string): string {
  return `\n\`\`\`${language}\n${text.replace(/\n?$/, '\n')}\`\`\`\n`;
}

/** The markers around block `name`. */
export const markers = (name: string) => ({ start: `<!-- ${name}:start -->`, end: `<!-- ${name}:end -->` });

/** Each occurrence of block `name` in `text` as [start, end) offsets of its content; throws on unpaired markers. */
export function blockRanges(text: string, name: string, file: string): [number, number][] {
  const { start, end } = markers(name);
  const ranges: [number, number][] = [];
  let from = 0;
  for (;;) {
    const s = text.indexOf(start, from);
    const e = text.indexOf(end, from);
    if (s === -1 && e === -1) return ranges;
    const nextStart = s === -1 ? -1 : text.indexOf(start, s + start.length);
    if (s === -1 || e === -1 || e < s || (nextStart !== -1 && nextStart < e)) throw new Error(`${file}: unpaired ${start} / ${end} markers`);
    ranges.push([s + start.length, e]);
    from = e + end.length;
  }
}

/**
 * `text` with every occurrence of each block replaced by its generated content, the names of the
 * blocks it has markers for (`found`), and of those whose content differed (`stale`).
 */
export function withBlocks(text: string, blocks: readonly GeneratedBlock[], file: string) {
  const result = { text, found: [] as string[], stale: [] as string[] };
  for (const block of blocks) {
    const ranges = blockRanges(result.text, block.name, file);
    if (ranges.length > 0) result.found.push(block.name);
    if (ranges.some(([s, e]) => result.text.slice(s, e) !== block.content)) result.stale.push(block.name);
    for (const [s, e] of ranges.reverse()) result.text = result.text.slice(0, s) + block.content + result.text.slice(e);
  }
  return result;
}
