/**
 * Just enough of the Source Map v3 format to map a position in the compiled snippet back to the
 * snippet the person wrote: decode the base64-VLQ `mappings` of one source file
 * (https://sourcemaps.info/spec.html, "Proposed Format").
 */

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const DIGIT = new Int8Array(128).fill(-1);
for (let k = 0; k < BASE64.length; k++) DIGIT[BASE64.charCodeAt(k)] = k;

/** One generated line's segments as [generatedColumn, sourceLine, sourceColumn], 0-based. */
export type LineMappings = readonly (readonly [number, number, number])[];

/** Decodes `mappings` into per-generated-line segments (segments without a source are dropped). */
export function decodeMappings(mappings: string): LineMappings[] {
  const lines: [number, number, number][][] = [[]];
  let genCol = 0, srcLine = 0, srcCol = 0, srcIndex = 0;
  let fields: number[] = [];
  let value = 0, shift = 0;
  const flush = (): void => {
    if (fields.length >= 4) {
      genCol += fields[0]; srcIndex += fields[1]; srcLine += fields[2]; srcCol += fields[3];
      lines[lines.length - 1].push([genCol, srcLine, srcCol]);
    } else if (fields.length >= 1) {
      genCol += fields[0];
    }
    fields = [];
  };
  for (let k = 0; k < mappings.length; k++) {
    const c = mappings[k];
    if (c === ';') { flush(); lines.push([]); genCol = 0; continue; }
    if (c === ',') { flush(); continue; }
    const digit = DIGIT[mappings.charCodeAt(k)];
    if (digit < 0) continue;
    value += (digit & 31) << shift;
    if (digit & 32) { shift += 5; continue; }
    fields.push(value & 1 ? -(value >>> 1) : value >>> 1);
    value = 0; shift = 0;
  }
  flush();
  void srcIndex;
  return lines;
}

/**
 * The source position (1-based line and column) of a generated position (1-based), taking the
 * last segment at or before the column on that line, or the line's first segment.
 */
export function originalPosition(lines: readonly LineMappings[], line: number, column: number):
  { line: number; column: number } | undefined {
  const segs = lines[line - 1];
  if (!segs || segs.length === 0) return undefined;
  let best = segs[0];
  for (const s of segs) if (s[0] <= column - 1) best = s;
  return { line: best[1] + 1, column: best[2] + 1 };
}
