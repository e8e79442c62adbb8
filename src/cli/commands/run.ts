import { createReadStream, createWriteStream, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import type { Command } from 'commander';
import { serializeError } from '../../errors.js';
import { loadFusionWeights } from '../../fusion/learn/index.js';
import { applyFusionWeights } from '../../plans/fusion-weights.js';
import type { Plan } from '../../plans/plan.js';
import { readPlanFile } from '../../plans/schema.js';
import { connectNats } from '../../remote/nats/connect-nats.js';
import { spawnPlanActors } from '../../runtime/plan-actors.js';
import { Roundtable } from '../../runtime/roundtable.js';
import type { HostTensor } from '../../tensor/index.js';
import { createProgress, formatBytes } from '../progress.js';
import { tensorFromJson, tensorToJson } from '../tensor-json.js';

interface RunOptions {
  readonly weights?: string;
  readonly input: string;
  readonly out: string;
  readonly trace: boolean;
  readonly concurrency: number;
  readonly nats?: string;
}

/**
 * `roundtable run <plan.json> --input <in.jsonl> --out <out.jsonl> [--trace] [--nats <url>]`:
 * starts the actors the plan file names (or, with --nats, finds them served over NATS), runs the plan once per input line, writes one output line per input line
 * in the same order. A line that fails gets `{"error": {code, message}}` and the run goes on;
 * the exit code is then 1.
 */
export function registerRun(program: Command): void {
  program
    .command('run')
    .description('run a plan file on every line of a JSONL input file')
    .argument('<plan>', 'plan file (JSON)')
    .requiredOption(
      '--input <file>',
      'JSONL: per line, the feeds {"<tensor>": {dtype, dims, data}}; for a decode plan {"prompt": [token ids]}',
    )
    .requiredOption('--out <file>', 'JSONL output, one line per input line')
    .option('--trace', 'add the trace of each run to its output line', false)
    .option('--weights <file>', 'fusion weights learned by `roundtable learn`')
    .option(
      '--nats <url>',
      "the plan's actors are served over NATS at this URL (none spawned here)",
    )
    .option('--concurrency <n>', 'input lines in flight at once', (v) => Number.parseInt(v, 10), 4)
    .action((planPath: string, options: RunOptions, command: Command) =>
      runPlanFile(planPath, options, command),
    );
}

async function runPlanFile(planPath: string, options: RunOptions, command: Command): Promise<void> {
  const read = await readPlanFile(planPath);
  const plan = options.weights
    ? applyFusionWeights(read, await loadFusionWeights(options.weights))
    : read;
  const nats = options.nats ? await connectNats(options.nats) : undefined;
  const runtime = await Roundtable.create();
  let failed = 0;
  let done = 0;
  try {
    await spawnPlanActors(runtime, plan, dirname(resolve(planPath)), nats);
    const total = statSync(options.input).size;
    const progress = createProgress({ label: `run ${plan.name}`, total, format: formatBytes });
    const input = createReadStream(options.input);
    const out = createWriteStream(options.out);
    const lines = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
    // Keep output in input order while up to `concurrency` lines run at once.
    const window: Promise<string>[] = [];
    const flush = async () => {
      const line = await window.shift()!;
      if (!out.write(line)) await new Promise<void>((r) => out.once('drain', () => r()));
      done++;
    };
    let lineNumber = 0;
    for await (const line of lines) {
      lineNumber++;
      if (line.trim() === '') continue;
      const at = lineNumber;
      window.push(
        runLine(runtime, plan, line, options.trace).catch((error: unknown) => {
          failed++;
          const shape = serializeError(error);
          return `${JSON.stringify({ line: at, error: { code: shape.code, message: shape.message } })}\n`;
        }),
      );
      progress.update(input.bytesRead);
      if (window.length >= options.concurrency) await flush();
    }
    while (window.length > 0) await flush();
    progress.done();
    await new Promise<void>((resolveEnd, reject) =>
      out.end((error?: Error | null) => (error ? reject(error) : resolveEnd())),
    );
  } finally {
    await runtime.close();
    await nats?.close();
  }
  command
    .configureOutput()
    .writeErr?.(`${plan.name}: ${done} lines, ${failed} failed → ${options.out}\n`);
  if (failed > 0) process.exitCode = 1;
}

async function runLine(
  runtime: Roundtable,
  plan: Plan,
  line: string,
  trace: boolean,
): Promise<string> {
  const json = JSON.parse(line) as Record<string, unknown>;
  if (plan.kind === 'decode') {
    const prompt = json.prompt;
    if (!Array.isArray(prompt) || !prompt.every((t) => Number.isInteger(t) && t >= 0)) {
      throw new TypeError(`a decode plan reads {"prompt": [token ids]}, got ${line.slice(0, 80)}`);
    }
    const result = await runtime.decode(plan, prompt as number[]);
    return `${JSON.stringify({ tokens: result.tokens, logprob: result.logprob, ...(trace ? { trace: result.trace } : {}) })}\n`;
  }
  const feeds: Record<string, HostTensor> = {};
  for (const [name, value] of Object.entries(json)) feeds[name] = tensorFromJson(name, value);
  const result = await runtime.run(plan, feeds);
  const outputs: Record<string, unknown> = {};
  for (const [name, tensor] of Object.entries(result.outputs)) outputs[name] = tensorToJson(tensor);
  return `${JSON.stringify({ outputs, ...(trace ? { trace: result.trace } : {}) })}\n`;
}
