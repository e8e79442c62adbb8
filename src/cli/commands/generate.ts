import { type Command, InvalidArgumentError } from 'commander';
import { readModelFolder } from '../../engines/decoder/model-folder.js';
import { speculative } from '../../plans/builders.js';
import { Roundtable } from '../../runtime/roundtable.js';
import { Tokenizer } from '../../tokenizer/index.js';
import { cliAction, usageError } from '../cli-error.js';

interface GenerateCliOptions {
  readonly prompt?: string;
  readonly promptIds?: number[];
  readonly maxLength?: number;
  readonly beams?: number;
  readonly returns?: number;
  readonly lengthPenalty?: number;
  readonly draft?: string;
  readonly k?: number;
  readonly json: boolean;
}

function idList(value: string): number[] {
  const ids = value.split(',').map((part) => Number(part.trim()));
  if (ids.length === 0 || ids.some((id) => !Number.isInteger(id) || id < 0)) {
    throw new InvalidArgumentError(`--prompt-ids takes comma-separated token ids, got "${value}"`);
  }
  return ids;
}

function positiveInt(name: string): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1)
      throw new InvalidArgumentError(`${name} takes an integer ≥ 1, got "${value}"`);
    return n;
  };
}

function finiteNumber(name: string): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n))
      throw new InvalidArgumentError(`${name} takes a number, got "${value}"`);
    return n;
  };
}

/**
 * `roundtable generate <model-dir>… (--prompt TEXT | --prompt-ids 1,2,3) [--max-length N]
 * [--beams K] [--json]`: generates with a model folder as published; several folders are an
 * ensemble whose log-probabilities are fused at every token. `--draft <dir>` with one folder:
 * speculative decoding, the draft folder proposing and the target verifying (greedy).
 */
export function registerGenerate(program: Command): void {
  program
    .command('generate')
    .description('generate from a prompt with model folders (several folders: an ensemble)')
    .argument('<model-dir...>', 'onnxruntime-genai or Hugging Face Optimum model folders')
    .option(
      '--prompt <text>',
      'prompt text (needs the folder’s tokenizer.json); the source of an encoder–decoder',
    )
    .option('--prompt-ids <ids>', 'prompt as comma-separated token ids', idList)
    .option('--max-length <n>', 'output length, prompt included', positiveInt('--max-length'))
    .option('--beams <k>', 'beam search with k beams (default: greedy)', positiveInt('--beams'))
    .option('--returns <n>', 'sequences to print, best first (≤ beams)', positiveInt('--returns'))
    .option(
      '--length-penalty <x>',
      'beam score = logprob / length^x',
      finiteNumber('--length-penalty'),
    )
    .option('--draft <dir>', 'speculative decoding: this folder drafts for the one target folder')
    .option(
      '--k <n>',
      'tokens the draft proposes in the first round (default 4)',
      positiveInt('--k'),
    )
    .option('--json', 'print {"sequences":[{"ids","text","logprob"}]}', false)
    .action(
      cliAction((dirs: string[], options: GenerateCliOptions, command: Command) =>
        runGenerate(dirs, options, command),
      ),
    );
}

async function runGenerate(
  dirs: readonly string[],
  options: GenerateCliOptions,
  command: Command,
): Promise<void> {
  if ((options.prompt === undefined) === (options.promptIds === undefined)) {
    throw usageError('generate: give exactly one of --prompt and --prompt-ids');
  }
  const folders = dirs.map((dir) => readModelFolder(dir));
  const codec = folders[0]!.tokenizer ? Tokenizer.fromFolder(folders[0]!.dir) : undefined;
  let prompt: number[];
  if (options.promptIds) prompt = options.promptIds;
  else if (codec) prompt = codec.encode(options.prompt!);
  else {
    throw usageError(
      `generate: --prompt needs a tokenizer.json in ${dirs[0]}; give --prompt-ids instead`,
    );
  }
  if (options.draft !== undefined) return runSpeculative(dirs, options, prompt, command);
  if (options.k !== undefined) throw usageError('generate: --k needs --draft');
  const runtime = await Roundtable.create();
  try {
    const names = await Promise.all(
      folders.map(async (folder, i) => {
        const name = `decoder-${i}`;
        await runtime.spawnDecoder(name, { folder });
        return name;
      }),
    );
    const beams = options.beams ?? 1;
    // An encoder–decoder translates: the prompt is the source, the decoder starts from its start
    // token, and the ids printed are the decoder's (as Hugging Face returns them).
    const first = folders[0]!;
    const seq2seq = first.encoder !== undefined;
    const source = seq2seq ? { source: prompt } : {};
    if (seq2seq) prompt = [first.decoderStart ?? first.pad ?? 0];
    const sequences = await runtime.generate(names, prompt, {
      ...source,
      numBeams: beams,
      numReturnSequences: Math.min(options.returns ?? beams, beams),
      ...(options.maxLength !== undefined ? { maxLength: options.maxLength } : {}),
      ...(options.lengthPenalty !== undefined ? { lengthPenalty: options.lengthPenalty } : {}),
    });
    const out =
      command.configureOutput().writeOut ?? ((text: string) => process.stdout.write(text));
    const shown = sequences.map((sequence) => ({
      ids: sequence.ids,
      ...(codec ? { text: codec.decode(sequence.ids) } : {}),
      logprob: sequence.logprob,
    }));
    if (options.json) out(`${JSON.stringify({ sequences: shown })}\n`);
    else {
      for (const sequence of shown) {
        out(`${sequence.logprob.toFixed(4)}\t${sequence.text ?? sequence.ids.join(' ')}\n`);
      }
    }
  } finally {
    await runtime.close();
  }
}

/** `--draft`: one target folder, greedy; the trace is printed with the sequence. */
async function runSpeculative(
  dirs: readonly string[],
  options: GenerateCliOptions,
  prompt: number[],
  command: Command,
): Promise<void> {
  if (dirs.length !== 1) {
    throw usageError(`generate: --draft takes one target folder, got ${dirs.length}`);
  }
  if ((options.beams ?? 1) !== 1)
    throw usageError('generate: --draft decodes greedily, not with --beams');
  const target = readModelFolder(dirs[0]!);
  if (target.encoder !== undefined) {
    throw usageError('generate: --draft works with decoder-only folders, not an encoder–decoder');
  }
  const draft = readModelFolder(options.draft!);
  const codec = target.tokenizer ? Tokenizer.fromFolder(target.dir) : undefined;
  const runtime = await Roundtable.create();
  try {
    await runtime.spawnDecoder('draft', { folder: draft });
    await runtime.spawnDecoder('target', { folder: target });
    const result = await runtime.speculate(
      speculative({ name: 'generate', draft: 'draft', target: 'target' }),
      prompt,
      {
        ...(options.maxLength !== undefined ? { maxLength: options.maxLength } : {}),
        ...(options.k !== undefined ? { k: options.k } : {}),
      },
    );
    const out =
      command.configureOutput().writeOut ?? ((text: string) => process.stdout.write(text));
    const text = codec ? codec.decode(result.ids) : undefined;
    if (options.json) {
      const sequence = {
        ids: result.ids,
        ...(text !== undefined ? { text } : {}),
        logprob: result.logprob,
      };
      out(`${JSON.stringify({ sequences: [sequence], speculative: result.trace })}\n`);
    } else {
      const trace = result.trace;
      out(`${result.logprob.toFixed(4)}\t${text ?? result.ids.join(' ')}\n`);
      out(
        `accepted ${trace.accepted} of ${trace.proposed} proposed (rate ${trace.acceptanceRate.toFixed(2)}), ${trace.targetSteps} target calls, ${trace.tokensPerTargetCall.toFixed(2)} tokens per target call\n`,
      );
    }
  } finally {
    await runtime.close();
  }
}
