import * as ort from 'onnxruntime-node';

/**
 * The plain way, for comparison: the same models run with onnxruntime-node on the calling thread,
 * one after another, as a service that does not use roundtable would.
 */
export class MainThreadModels {
  readonly #sessions: Map<string, ort.InferenceSession>;

  private constructor(sessions: Map<string, ort.InferenceSession>) {
    this.#sessions = sessions;
  }

  static async load(models: ReadonlyMap<string, Uint8Array | string>): Promise<MainThreadModels> {
    const sessions = new Map<string, ort.InferenceSession>();
    for (const [name, model] of models) {
      const options = { intraOpNumThreads: 1, interOpNumThreads: 1 };
      sessions.set(
        name,
        typeof model === 'string'
          ? await ort.InferenceSession.create(model, options)
          : await ort.InferenceSession.create(model, options),
      );
    }
    return new MainThreadModels(sessions);
  }

  async run(name: string, feeds: Record<string, ort.Tensor>): Promise<Record<string, ort.Tensor>> {
    const session = this.#sessions.get(name);
    if (!session) throw new Error(`no model "${name}" loaded on the main thread`);
    return (await session.run(feeds)) as Record<string, ort.Tensor>;
  }

  async release(): Promise<void> {
    for (const session of this.#sessions.values()) await session.release();
  }
}

/**
 * Mean milliseconds of `times` runs of `work`, after as many warm-up runs: what a service sees
 * once V8 has compiled the hot paths, not the first calls.
 */
export async function timeIt(times: number, work: () => Promise<unknown>): Promise<number> {
  for (let i = 0; i < times; i++) await work();
  const start = performance.now();
  for (let i = 0; i < times; i++) await work();
  return (performance.now() - start) / times;
}
