import { type Command, InvalidArgumentError, Option } from 'commander';
import { ArgumentError } from '../../errors.js';
import {
  BLEU_TOKENIZERS,
  type BleuTokenizerName,
  corpusBleu,
  corpusChrf,
  formatScoreLine,
  type MetricScore,
  type SmoothMethod,
  scoreRecord,
} from '../../mt/metrics/index.js';
import { stripEnd } from '../../mt/metrics/python-text.js';
import { cliAction, inputError, usageError } from '../cli-error.js';
import { readUtf8File } from '../input-files.js';

type MetricName = 'bleu' | 'chrf' | 'chrf++';

interface ScoreOptions {
  readonly metric: MetricName;
  readonly hyp: string;
  readonly ref: string[];
  readonly tokenize: BleuTokenizerName;
  readonly smoothMethod: SmoothMethod;
  readonly smoothValue?: number;
  readonly lowercase: boolean;
  readonly width: number;
  readonly json?: boolean;
}

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

function parseNumber(value: string): number {
  const number = Number(value);
  if (value.trim() === '' || !Number.isFinite(number)) {
    throw new InvalidArgumentError(`expected a number, got ${JSON.stringify(value)}`);
  }
  return number;
}

function parseWidth(value: string): number {
  const width = Number(value);
  if (!/^\d+$/.test(value) || width > 20) {
    throw new InvalidArgumentError(
      `expected a whole number of decimals from 0 to 20, got ${JSON.stringify(value)}`,
    );
  }
  return width;
}

/**
 * The segments of a line-aligned file as sacreBLEU's command line reads them: UTF-8, split on
 * '\n' only, each line stripped of trailing whitespace ('\r' included), and a final newline
 * not starting another segment.
 */
function readSegments(role: string, path: string): string[] {
  const lines = readUtf8File(path, `${role} file`).split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines.map(stripEnd);
}

function score(options: ScoreOptions, hyps: string[], refs: string[][]): MetricScore {
  if (options.metric === 'bleu') {
    return corpusBleu(hyps, refs, {
      tokenize: options.tokenize,
      smoothMethod: options.smoothMethod,
      lowercase: options.lowercase,
      ...(options.smoothValue === undefined ? {} : { smoothValue: options.smoothValue }),
    });
  }
  return corpusChrf(hyps, refs, {
    wordOrder: options.metric === 'chrf++' ? 2 : 0,
    lowercase: options.lowercase,
  });
}

function run(options: ScoreOptions, command: Command): void {
  const hyps = readSegments('hypothesis', options.hyp);
  if (hyps.length === 0)
    throw inputError({ file: options.hyp }, 'the hypothesis file has no lines');
  const refs = options.ref.map((path) => {
    const segments = readSegments('reference', path);
    if (segments.length !== hyps.length)
      throw inputError(
        { file: path },
        `${segments.length} lines but hypothesis file ${options.hyp} has ${hyps.length}: the files must be line-aligned`,
      );
    return segments;
  });

  let result: MetricScore;
  try {
    result = score(options, hyps, refs);
  } catch (error) {
    // What the metric refuses here comes from the options (a smoothing value out of range).
    if (error instanceof ArgumentError || error instanceof RangeError || error instanceof TypeError)
      throw usageError(error.message);
    throw error;
  }
  const output = options.json
    ? `${JSON.stringify(scoreRecord(result, options.width), null, 1)}\n`
    : `${formatScoreLine(result, options.width)}\n`;
  command.configureOutput().writeOut?.(output);
}

/**
 * `roundtable score`: BLEU, chrF or chrF++ of a hypothesis file against one or more reference
 * files, printed as sacreBLEU 2.6.0 prints it (`--format text`, or its JSON with `--json`).
 * Output goes through the command's output configuration, which a subcommand copies from the
 * program when it is registered: configure the program's output first to capture it.
 */
export function registerScore(program: Command): void {
  program
    .command('score')
    .description(
      'score translations against references with BLEU, chrF or chrF++, as sacreBLEU 2.6.0',
    )
    .addOption(
      new Option('--metric <name>', 'the metric')
        .choices(['bleu', 'chrf', 'chrf++'])
        .default('bleu'),
    )
    .requiredOption('--hyp <file>', 'hypotheses, one segment per line (UTF-8)')
    .requiredOption(
      '--ref <file>',
      'references, line-aligned with --hyp; repeat for several references',
      collect,
    )
    .addOption(
      new Option('--tokenize <name>', 'BLEU tokenizer').choices(BLEU_TOKENIZERS).default('13a'),
    )
    .addOption(
      new Option('--smooth-method <method>', 'BLEU smoothing')
        .choices(['exp', 'floor', 'add-k', 'none'])
        .default('exp'),
    )
    .option('--smooth-value <number>', "value of 'floor' (0.1) or 'add-k' (1)", parseNumber)
    .option('--lowercase', 'lowercase hypotheses and references first', false)
    .option('--width <decimals>', 'decimals of the printed score', parseWidth, 1)
    .option(
      '--json',
      "print sacreBLEU's JSON record, with the score at full precision in exact_score",
    )
    .action(cliAction((options: ScoreOptions, command: Command) => run(options, command)));
}
