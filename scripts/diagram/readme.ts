/** Markers around the generated diagram in README.md. */
export const START_MARKER = '<!-- diagram:start -->';
export const END_MARKER = '<!-- diagram:end -->';

/** The text that goes between the markers: a fenced Mermaid block. */
export function diagramBlock(diagram: string): string {
  return `\n\`\`\`mermaid\n${diagram.endsWith('\n') ? diagram : `${diagram}\n`}\`\`\`\n`;
}

/** Where the markers are; undefined if README has neither; throws if they are malformed. */
export function findMarkers(readme: string): { start: number; end: number } | undefined {
  const starts = readme.split(START_MARKER).length - 1;
  const ends = readme.split(END_MARKER).length - 1;
  if (starts === 0 && ends === 0) return undefined;
  if (starts !== 1 || ends !== 1) {
    throw new Error(`README must contain exactly one ${START_MARKER} and one ${END_MARKER} (found ${starts} and ${ends}).`);
  }
  const start = readme.indexOf(START_MARKER) + START_MARKER.length;
  const end = readme.indexOf(END_MARKER);
  if (end < start) throw new Error(`${END_MARKER} comes before ${START_MARKER} in README.`);
  return { start, end };
}

/** The current text between the markers, or undefined if README has no markers. */
export function currentBlock(readme: string): string | undefined {
  const markers = findMarkers(readme);
  return markers ? readme.slice(markers.start, markers.end) : undefined;
}

/** README with the text between the markers replaced by the diagram's block. */
export function replaceBlock(readme: string, diagram: string): string {
  const markers = findMarkers(readme);
  if (!markers) throw new Error(`README has no ${START_MARKER} ... ${END_MARKER} markers; add them where the diagram goes.`);
  return readme.slice(0, markers.start) + diagramBlock(diagram) + readme.slice(markers.end);
}

/** Whether README's block is the diagram's (line endings and surrounding blank lines ignored). */
export function blockMatches(readme: string, diagram: string): boolean {
  const block = currentBlock(readme);
  const normalize = (text: string) => text.replace(/\r\n/g, '\n').trim();
  return block !== undefined && normalize(block) === normalize(diagramBlock(diagram));
}
