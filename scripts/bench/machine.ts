/** The machine the numbers come from (printed with every report). */
import { cpus, loadavg, release, totalmem, type } from 'node:os';
import { round } from './stats';

export interface MachineInfo {
  readonly cpuCount: number;
  readonly cpuModel: string;
  readonly node: string;
  readonly os: string;
  readonly totalMemMiB: number;
}

export function machineInfo(): MachineInfo {
  const list = cpus();
  const models = [...new Set(list.map((c) => c.model.trim()))];
  return {
    cpuCount: list.length,
    cpuModel: models.join(' + ') || 'unknown',
    node: process.version,
    os: `${type()} ${release()}`,
    totalMemMiB: Math.round(totalmem() / 1024 / 1024),
  };
}

/** 1, 5 and 15 minute load averages. */
export function loadAverage(): [number, number, number] {
  const [a, b, c] = loadavg();
  return [round(a, 2), round(b, 2), round(c, 2)];
}
