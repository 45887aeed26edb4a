/**
 * Whether the disk has room for an experiment's exact points before any of them is computed: an
 * experiment that cannot be written to its end is refused up front with the sizes, rather than
 * failing with a full disk after minutes of stepping.
 */
import { stat, statfs } from 'node:fs/promises';
import * as path from 'node:path';
import { recordLength } from './store';

/** Characters a number takes in CSV or JSON at most, with its separator (`-1.2345678901234567e-123,`). */
const NUMBER_TEXT = 25;

/** Bytes a `PointStore` spills for `points` points of `dim` parameters, beyond what it keeps in memory. */
export function spillBytes(points: number, dim: number, memoryBytes: number, curvature = false): number {
  return Math.max(0, points * recordLength(dim, curvature) * 8 - memoryBytes);
}

/** Bytes of points.csv at most: per point the run, label, step and a record's numbers. */
export function csvBytes(points: number, dim: number, labelLength: number, curvature = false): number {
  return points * (labelLength + 20 + recordLength(dim, curvature) * NUMBER_TEXT);
}

/** A folder that will hold files: the folder, or its nearest existing parent. */
async function existingParent(dir: string): Promise<string> {
  let at = path.resolve(dir);
  while (true) {
    if (await stat(at).then(() => true, () => false)) return at;
    const up = path.dirname(at);
    if (up === at) return at;
    at = up;
  }
}

/** One need for disk space: `bytes` in `dir`, for `what` ("temporary copies of the points"). */
export interface SpaceNeed {
  readonly dir: string;
  readonly bytes: number;
  readonly what: string;
}

/** "3.2 GB" */
export function formatBytes(bytes: number): string {
  const units = ['bytes', 'kB', 'MB', 'GB', 'TB', 'PB', 'EB'];
  let v = bytes, u = 0;
  while (v >= 1000 && u < units.length - 1) { v /= 1000; u++; }
  return u === 0 ? `${Math.round(v)} bytes` : `${v.toPrecision(v >= 100 ? 3 : 2)} ${units[u]}`;
}

/**
 * The first shortfall among `needs` (needs on the same file system are added up), as a sentence;
 * undefined when there is room, or when the free space cannot be known.
 */
export async function spaceShortfall(needs: readonly SpaceNeed[]): Promise<string | undefined> {
  const byDevice = new Map<number, { dir: string; bytes: number; free: number; what: string[] }>();
  for (const need of needs) {
    if (need.bytes <= 0) continue;
    const dir = await existingParent(need.dir);
    let device: number, free: number;
    try {
      device = (await stat(dir)).dev;
      const fsInfo = await statfs(dir);
      free = fsInfo.bavail * fsInfo.bsize;
    } catch {
      continue;
    }
    const entry = byDevice.get(device) ?? { dir: need.dir, bytes: 0, free, what: [] };
    entry.bytes += need.bytes;
    entry.what.push(`${need.what} (${formatBytes(need.bytes)} in ${need.dir})`);
    byDevice.set(device, entry);
  }
  for (const e of byDevice.values()) {
    if (e.bytes > e.free) {
      return `this experiment's exact points need up to ${formatBytes(e.bytes)} of disk space — ${e.what.join(' and ')} — `
        + `but only ${formatBytes(e.free)} is free there`;
    }
  }
  return undefined;
}
