import os from 'node:os';
import * as ort from 'onnxruntime-node';

/** The machine a report was measured on: numbers from two machines are not comparable. */
export interface Machine {
  readonly cpu: string;
  readonly cores: number;
  readonly memoryGiB: number;
  readonly platform: string;
  readonly node: string;
  readonly onnxruntimeNode: string;
  /** 1-minute load average when the run started and ended: other work on the machine skews it. */
  readonly loadAverageStart: number;
  readonly loadAverageEnd?: number;
  /**
   * Share (0–1) of all cores' time that processes other than the run's own (this one and its
   * child processes) took while it ran; set at the end of a run, where /proc/stat is readable.
   */
  readonly othersCpuShare?: number;
}

export function describeMachine(): Machine {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    cores: os.availableParallelism?.() ?? cpus.length,
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    platform: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    onnxruntimeNode: ort.env.versions.node ?? 'unknown',
    loadAverageStart: Math.round(os.loadavg()[0]! * 100) / 100,
  };
}

export function loadAverage(): number {
  return Math.round(os.loadavg()[0]! * 100) / 100;
}
