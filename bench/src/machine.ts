import { cpus, totalmem, platform, arch } from 'node:os';

export interface Machine {
  cores: number;
  cpu: string;
  node: string;
  os: string;
  memoryGiB: number;
  date: string;
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
  };
}

export function describeMachine(m: Machine): string {
  return `${m.cores} cores, ${m.cpu}, ${m.memoryGiB} GiB, ${m.os}, Node ${m.node}, ${m.date}`;
}
