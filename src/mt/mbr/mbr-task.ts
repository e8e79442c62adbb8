import { type MbrSelection, mbrSelect } from './mbr.js';

/** The piscina task of MbrPool (mbr-pool.ts): one segment's selection with sentence chrF. */
export interface MbrTask {
  readonly candidates: readonly string[];
  readonly weights?: readonly number[] | undefined;
}

export default function selectOnPool(task: MbrTask): MbrSelection {
  return mbrSelect(task.candidates, task.weights !== undefined ? { weights: task.weights } : {});
}
