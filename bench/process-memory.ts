import fs from 'node:fs';

/**
 * Memory of a browser's process tree from /proc, by Chromium process type (the `--type=` argument of each process, whose
 * command line Chromium rewrites as one space-separated string;
 * utility processes by their `--utility-sub-type`, e.g. `utility:network`). Resident memory (VmRSS) counts pages
 * shared between processes once per process; proportional memory (Pss) shares them out, so its total is the tree's
 * real footprint.
 */
export interface TreeSample {
  /** MB of VmRSS per process type, and the number of processes of that type. */
  byType: Map<string, { rssMb: number; processes: number }>;
  rssMb: number;
  /** MB of Pss over the tree, when asked for (reading smaps_rollup is slower). */
  pssMb: number | undefined;
}

function childrenByParent(): Map<number, number[]> {
  const children = new Map<number, number[]>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(parent, [...(children.get(parent) ?? []), Number(entry)]);
    } catch {
      // gone
    }
  }
  return children;
}

function processType(pid: number): string {
  const args = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split(/[\0 ]/);
  const type = args.find((arg) => arg.startsWith('--type='))?.slice('--type='.length);
  if (type === undefined) return 'browser';
  if (type !== 'utility') return type;
  const sub = args.find((arg) => arg.startsWith('--utility-sub-type='))?.slice('--utility-sub-type='.length);
  // network.mojom.NetworkService → utility:network
  return sub ? `utility:${sub.split('.')[0]}` : 'utility';
}

const kbField = (text: string, field: string): number =>
  Number(new RegExp(`^${field}:\\s+(\\d+)`, 'm').exec(text)?.[1] ?? 0);

/** `rootPid` and every process under it, each with its Chromium process type; processes that end meanwhile are left out. */
export function processTree(rootPid: number): { pid: number; type: string }[] {
  const children = childrenByParent();
  const tree: { pid: number; type: string }[] = [];
  const stack = [rootPid];
  while (stack.length > 0) {
    const pid = stack.pop()!;
    stack.push(...(children.get(pid) ?? []));
    try {
      tree.push({ pid, type: processType(pid) });
    } catch {
      // gone
    }
  }
  return tree;
}

/** Samples the tree under `rootPid`; undefined when there is no such process. */
export function sampleTree(rootPid: number | undefined, withPss = false): TreeSample | undefined {
  if (rootPid === undefined || !fs.existsSync(`/proc/${rootPid}`)) return undefined;
  const byType = new Map<string, { rssMb: number; processes: number }>();
  let rssKb = 0;
  let pssKb = 0;
  for (const { pid, type } of processTree(rootPid)) {
    try {
      const kb = kbField(fs.readFileSync(`/proc/${pid}/status`, 'utf8'), 'VmRSS');
      if (withPss) pssKb += kbField(fs.readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'), 'Pss');
      const entry = byType.get(type) ?? { rssMb: 0, processes: 0 };
      entry.rssMb += kb / 1024;
      entry.processes += 1;
      byType.set(type, entry);
      rssKb += kb;
    } catch {
      // gone
    }
  }
  return { byType, rssMb: rssKb / 1024, pssMb: withPss ? pssKb / 1024 : undefined };
}

/** Start, end and peak memory of a browser tree over a run, per process type and in all. */
export class TreeMemoryReport {
  readonly #start: TreeSample;
  #end: TreeSample | undefined;
  readonly #peakByType = new Map<string, number>();
  #peakRss: number;

  constructor(start: TreeSample) {
    this.#start = start;
    this.#peakRss = start.rssMb;
    this.#notePeaks(start);
  }

  add(sample: TreeSample | undefined): void {
    if (sample === undefined) return;
    this.#peakRss = Math.max(this.#peakRss, sample.rssMb);
    this.#notePeaks(sample);
  }

  finish(end: TreeSample): void {
    this.add(end);
    this.#end = end;
  }

  #notePeaks(sample: TreeSample): void {
    for (const [type, { rssMb }] of sample.byType) {
      this.#peakByType.set(type, Math.max(this.#peakByType.get(type) ?? 0, rssMb));
    }
  }

  /** The table's lines: one per process type, then the tree's RSS, then its Pss. */
  lines(): string[] {
    const end = this.#end ?? this.#start;
    const types = [...new Set([...this.#start.byType.keys(), ...end.byType.keys()])].sort();
    const mb = (value: number | undefined) => (value === undefined ? '—' : value.toFixed(0)).padStart(7);
    const ratio = (from: number | undefined, to: number | undefined) =>
      from && to !== undefined ? `${(to / from).toFixed(2)}×`.padStart(7) : '      —';
    const line = (label: string, from?: number, to?: number, peak?: number) =>
      `  ${label.padEnd(28)} ${mb(from)} ${mb(to)} ${mb(peak)} ${ratio(from, to)}`;
    const count = (sample: TreeSample, type: string) => sample.byType.get(type)?.processes ?? 0;
    return [
      `  ${'MB'.padEnd(28)} ${'start'.padStart(7)} ${'end'.padStart(7)} ${'peak'.padStart(7)} ${'end/st'.padStart(7)}`,
      ...types.map((type) =>
        line(
          `${type} (${count(this.#start, type)} → ${count(end, type)})`,
          this.#start.byType.get(type)?.rssMb,
          end.byType.get(type)?.rssMb,
          this.#peakByType.get(type),
        ),
      ),
      line('tree RSS', this.#start.rssMb, end.rssMb, this.#peakRss),
      line('tree PSS', this.#start.pssMb, end.pssMb),
    ];
  }

  get ratio(): number {
    return (this.#end ?? this.#start).rssMb / this.#start.rssMb;
  }
}
