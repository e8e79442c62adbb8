import { createWriteStream } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Command } from 'commander';
import { connectNats } from '../../engines/remote/nats/connect-nats.js';
import { serializeError } from '../../errors.js';
import { applyFusionWeights } from '../../learn/fusion-weights.js';
import {
  applyCascadeThresholds,
  type CascadeThresholds,
  type FusionWeights,
  loadCascadeThresholds,
  loadFusionWeights,
} from '../../learn/index.js';
import type { Plan } from '../../plans/plan.js';
import { spawnPlanActors } from '../../runtime/plan-actors.js';
import { Roundtable } from '../../runtime/roundtable.js';
import type { HostTensor } from '../../tensor/index.js';
import { createProgress, formatBytes } from '../../util/progress.js';
import {
  CliError,
  type CliFailure,
  cliAction,
  failureOf,
  inputError,
  parseNatsUrl,
  parsePositiveInt,
  usageError,
} from '../cli-error.js';
import { checkReadable, openForWriting, readInputLines } from '../input-files.js';
import { readPlanArgument } from '../plan-file.js';
import { tensorFromJson, tensorToJson } from '../tensor-json.js';

interface RunOptions {
  readonly weights?: string;
  readonly thresholds?: string;
  readonly input: string;
  readonly out: string;
  readonly trace: boolean;
  readonly concurrency: number;
  readonly nats?: string;
}

/**
 * `roundtable run <plan.json> --input <in.jsonl> --out <out.jsonl> [--trace] [--nats <url>]`:
 * starts the actors the plan file names (with --nats, finds them served over NATS instead), runs
 * the plan once per input line, writes one output line per input line in the same order. A line that fails gets `{"line", "error": {code, message}}` and the run goes
 * on; the command then ends with an error that counts the failed lines (exit code of the class
 * of the first failure: input for a line that is not a valid feed, runtime for a model failure).
 *
 * `--weights` must have been learned for the strategy the plan fuses by: applying log-linear
 * weights to a `mean` fusion would turn its probabilities into log-probabilities, so it is
 * refused (`learn --plan` learns for the plan's own strategy).
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
      '--thresholds <file>',
      "a cascade plan's thresholds, learnt by `roundtable learn --cascade` for its stages",
    )
    .option(
      '--nats <url>',
      "the plan's actors are served over NATS at this URL (none spawned here)",
      parseNatsUrl,
    )
    .option('--concurrency <n>', 'input lines in flight at once', parsePositiveInt, 4)
    .action(
      cliAction((planPath: string, options: RunOptions, command: Command) =>
        runPlanFile(planPath, options, command),
      ),
    );
}

async function runPlanFile(planPath: string, options: RunOptions, command: Command): Promise<void> {
  const read = readPlanArgument(planPath);
  if (read.kind === 'speculative') {
    // Its decoders are model folders, not actors a plan file brings.
    throw usageError(
      `run: plan "${read.name}" is speculative; run it with roundtable generate --draft <dir> <target-dir>`,
    );
  }
  let plan = options.weights ? await withWeights(read, options.weights) : read;
  if (options.thresholds !== undefined) plan = await withThresholds(plan, options.thresholds);
  const total = checkReadable(options.input, 'input');
  const out = createWriteStream('', { fd: openForWriting(options.out, 'output') });
  const nats = options.nats !== undefined ? await connectNats(options.nats) : undefined;
  const runtime = await Roundtable.create();
  let failed = 0;
  let firstFailure: CliFailure | undefined;
  let done = 0;
  try {
    await spawnPlanActors(runtime, plan, dirname(resolve(planPath)), nats);
    const progress = createProgress({ label: `run ${plan.name}`, total, format: formatBytes });
    const writeFailed = new Promise<never>((_, reject) => out.once('error', reject));
    writeFailed.catch(() => {});
    // Keep output in input order while up to `concurrency` lines run at once; failures are
    // counted in that order too, so the exit code does not depend on which line finished first.
    const window: Promise<{ line: string; failure?: CliFailure }>[] = [];
    const flush = async () => {
      const { line, failure } = await window.shift()!;
      if (failure !== undefined) {
        failed++;
        firstFailure ??= failure;
      }
      if (!out.write(line))
        await Promise.race([new Promise<void>((r) => out.once('drain', () => r())), writeFailed]);
      done++;
    };
    let bytesRead = 0;
    for await (const { text, number } of readInputLines(options.input)) {
      bytesRead += Buffer.byteLength(text) + 1;
      if (text.trim() === '') continue;
      window.push(
        runLine(runtime, plan, text, { file: options.input, line: number }, options.trace).then(
          (line) => ({ line }),
          (error: unknown) => {
            const shape = serializeError(error);
            return {
              line: `${JSON.stringify({ line: number, error: { code: shape.code, message: shape.message } })}\n`,
              failure: failureOf(error),
            };
          },
        ),
      );
      progress.update(bytesRead);
      if (window.length >= options.concurrency) await flush();
    }
    while (window.length > 0) await flush();
    progress.done();
    await new Promise<void>((resolveEnd, reject) =>
      out.end((error?: Error | null) => (error ? reject(error) : resolveEnd())),
    );
  } finally {
    out.destroy();
    await runtime.close();
    await nats?.close();
  }
  command
    .configureOutput()
    .writeErr?.(`${plan.name}: ${done} lines, ${failed} failed → ${options.out}\n`);
  if (firstFailure !== undefined)
    throw new CliError(
      firstFailure,
      `${failed} of ${done} lines of ${options.input} failed; each failed line of ${options.out} says why`,
    );
}

/** The strategy of every fusion of a plan, in order: what `--weights` must not change. */
function fusionStrategies(plan: Plan): string[] {
  if (plan.kind === 'decode') return [plan.fusion.strategy];
  if (plan.kind === 'speculative') return [];
  if (plan.kind === 'cascade') return [];
  return plan.rounds.flatMap((round) => (round.fusion ? [round.fusion.strategy] : []));
}

async function withWeights(plan: Plan, file: string): Promise<Plan> {
  let learned: FusionWeights;
  try {
    learned = await loadFusionWeights(file);
  } catch (error) {
    throw inputError({ file }, error instanceof Error ? error.message : String(error), error);
  }
  const weighted = applyFusionWeights(plan, learned);
  const before = fusionStrategies(plan);
  const after = fusionStrategies(weighted);
  const changed = before.findIndex((strategy, i) => strategy !== after[i]);
  if (changed >= 0)
    throw inputError(
      { file, field: 'strategy' },
      `the weights were learned for '${after[changed]}' fusion but plan "${plan.name}" fuses by '${before[changed]}'; ` +
        `applying them would change what the plan outputs (learn again with --strategy ${before[changed]}, or change the plan's fusion)`,
    );
  return weighted;
}

/** A cascade plan with the thresholds of a file `learn --cascade` wrote for its stages. */
async function withThresholds(plan: Plan, file: string): Promise<Plan> {
  if (plan.kind !== 'cascade')
    throw usageError(
      `run: --thresholds applies to a cascade plan; plan "${plan.name}" is a ${plan.kind} plan`,
    );
  let learnt: CascadeThresholds;
  try {
    learnt = await loadCascadeThresholds(file);
  } catch (error) {
    throw inputError({ file }, error instanceof Error ? error.message : String(error), error);
  }
  return applyCascadeThresholds(plan, learnt);
}

/** One JSONL line as an object; the error names the file and the line. */
export function parseJsonLine(
  text: string,
  place: { readonly file: string; readonly line: number },
): Record<string, unknown> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw inputError(place, `not JSON: ${(error as Error).message}`, error);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json))
    throw inputError(place, `expected a JSON object, got ${text.slice(0, 40)}`);
  return json as Record<string, unknown>;
}

async function runLine(
  runtime: Roundtable,
  plan: Plan,
  line: string,
  place: { readonly file: string; readonly line: number },
  trace: boolean,
): Promise<string> {
  const json = parseJsonLine(line, place);
  if (plan.kind === 'decode') {
    const prompt = json.prompt;
    if (!Array.isArray(prompt) || !prompt.every((t) => Number.isInteger(t) && t >= 0)) {
      throw inputError(
        { ...place, field: 'prompt' },
        `a decode plan reads {"prompt": [token ids]}, got ${line.slice(0, 80)}`,
      );
    }
    const result = await runtime.decode(plan, prompt as number[]);
    return `${JSON.stringify({ tokens: result.tokens, logprob: result.logprob, ...(trace ? { trace: result.trace } : {}) })}\n`;
  }
  const feeds: Record<string, HostTensor> = {};
  for (const [name, value] of Object.entries(json)) {
    try {
      feeds[name] = tensorFromJson(value);
    } catch (error) {
      throw inputError({ ...place, field: name }, (error as Error).message, error);
    }
  }
  if (plan.kind === 'speculative') throw new Error('unreachable: refused when the plan was read');
  if (plan.kind === 'cascade') {
    const answered = await runtime.cascade(plan, feeds);
    const output = tensorToJson(answered.outputs[plan.output]!);
    return `${JSON.stringify({ outputs: { [plan.output]: output }, ...(trace ? { trace: answered.trace } : {}) })}\n`;
  }
  const result = await runtime.run(plan, feeds);
  const outputs: Record<string, unknown> = {};
  for (const [name, tensor] of Object.entries(result.outputs)) outputs[name] = tensorToJson(tensor);
  return `${JSON.stringify({ outputs, ...(trace ? { trace: result.trace } : {}) })}\n`;
}
