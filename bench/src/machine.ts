import { arch, cpus, loadavg, platform, totalmem } from 'node:os';

export interface Machine {
  cores: number;
  cpu: string;
  node: string;
  os: string;
  memoryGiB: number;
  date: string;
  /** 1-minute load average when the run started: other work on the machine skews timings. */
  load: number;
}

export function machine(): Machine {
  const c = cpus();
  return {
    cores: c.length,
    cpu: c[0]?.model.trim() ?? 'unknown',
    node: process.version,
    os: `${platform()} ${arch()}`,
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    date: new Date().toISOString(),
    load: Math.round(loadavg()[0]! * 100) / 100,
  };
}

export function describeMachine(m: Machine): string {
  return `${m.cores} cores, ${m.cpu}, ${m.memoryGiB} GiB, ${m.os}, Node ${m.node}, ${m.date}, load ${m.load}`;
}

/** A warning line when the machine was busy enough to make the timings noisy. */
export function loadWarning(m: Machine, loadNow: number = loadavg()[0]!): string | undefined {
  const peak = Math.max(m.load, loadNow);
  if (peak <= m.cores * 0.5) return undefined;
  return `Warning: load average reached ${peak.toFixed(2)} on ${m.cores} cores during the run; timings are noisy.`;
}

/** The short form printed under every table, so a table copied alone keeps its context. */
export function machineTag(m: Machine): string {
  return `_${m.cores} cores, ${m.cpu}, Node ${m.node}, ${m.date.slice(0, 16).replace('T', ' ')} UTC_`;
}
