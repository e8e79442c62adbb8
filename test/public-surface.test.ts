import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { typeProgram } from './support/type-program.js';

/**
 * The names each entry point exports, values and types alike, against an explicit allow-list: a
 * new export is a decision taken here, and a test hook (fault injection, internal wiring) is not
 * one a user should see.
 */
const ROUNDTABLE = [
  // The runtime
  'RuntimeEvents',
  'ActorStopped',
  'PlanResult',
  'RoundtableOptions',
  'Roundtable',
  // Plans
  'decode',
  'ensemble',
  'layers',
  'refine',
  'ActorSpec',
  'DecodePlan',
  'Fusion',
  'FusionInputKind',
  'FusionStrategy',
  'Plan',
  'Round',
  'RoundsPlan',
  'Step',
  'StopCondition',
  'parsePlan',
  'readPlanFile',
  'DecodeResult',
  'RunOptions',
  'FusionTrace',
  'RoundTrace',
  'StepTrace',
  'Trace',
  // Actors
  'CallOptions',
  'MailboxOptions',
  'OverflowPolicy',
  'IoMetadata',
  'RunStats',
  'RestartOptions',
  'ActorOf',
  'CustomActorContext',
  'CustomActorOptions',
  'CustomActorRef',
  'CustomActorSignature',
  'RunnableActor',
  'CustomActor',
  'ModelActorOptions',
  'ModelActorStats',
  'WarmUpOptions',
  'WarmUpReport',
  'ModelResult',
  'ModelActor',
  'SessionOptions',
  // Supervision and health
  'HealthReport',
  'Strategy',
  'ActorHealth',
  'ActorState',
  'SupervisorOptions',
  'Supervisor',
  // Errors
  'AbortError',
  'ActorCrashedError',
  'ActorError',
  'ActorStoppedError',
  'ArenaClosedError',
  'ArenaFullError',
  'BatchingError',
  'DescriptorError',
  'FeedError',
  'FusionError',
  'InferenceError',
  'KernelLoadError',
  'MailboxFullError',
  'ModelLoadError',
  'PlanError',
  'RoundError',
  'RoundtableError',
  'TimeoutError',
  // Tensors and the arena
  'ArenaOptions',
  'ArenaStats',
  'DType',
  'HostTensor',
  'TensorDescriptor',
  'Arena',
  'DTYPES',
  'DecoderActor',
  'DecoderBudgetError',
  'DecoderFolder',
  'DecoderOptions',
  'DecoderStep',
  'FolderLayout',
  'GenerateOptions',
  'GeneratedSequence',
  'ModelFolderError',
  'SearchDefaults',
  'SequenceClosedError',
  'SequenceEvictedError',
  'SequenceHandle',
  'StaleSequenceError',
  'StepOptions',
  'Tokenizer',
  'VocabularyMismatchError',
  'readModelFolder',
  'HostedActors',
  'HostedModel',
  'HostedSource',
  'LocalModelSpec',
  'NatsActorSpec',
  'NatsActor',
  'NatsActorOptions',
  'NatsActorServer',
  'NatsHostedActor',
  'NatsServeOptions',
  'OipHttpServer',
  'OipHttpServerOptions',
  'OipModelSpec',
  'PayloadTooLargeError',
  'RemoteError',
  'RemoteModel',
  'RemoteModelOptions',
  'RemoteUnavailableError',
  'WireError',
  'loadHostedActors',
  'startOipHttpServer',
  'TokenizerError',
  // Speculative decoding
  'speculative',
  'SpeculativePlan',
  'SpeculativeOptionError',
  'StepPositions',
  'SpeculativeOptions',
  'SpeculativeResult',
  'SpeculativeTrace',
  // Cascades
  'cascade',
  'CascadePlan',
  'CascadeScorer',
  'CascadeStage',
  'CascadeTrace',
  'CascadeThresholds',
  'applyCascadeThresholds',
  'loadCascadeThresholds',
  'saveCascadeThresholds',
  // Arguments refused at the door
  'ArgumentError',
];

const MT = [
  // Translating
  'TranslationService',
  'TranslationServiceOptions',
  'RefineStep',
  'TRANSLATION_METHODS',
  'TranslateOptions',
  'Translation',
  'TranslationMethod',
  'Translator',
  'TranslatorOptions',
  'EngineSpec',
  'LoadedTranslationPlan',
  'loadTranslationPlan',
  'RoutesFile',
  'TokenizerSpec',
  'TranslationPlan',
  'buildPrompt',
  'PromptLayout',
  'PromptParts',
  'promptLayout',
  'splitWindow',
  'windowsFor',
  'EngineFusion',
  'EngineFusionOptions',
  'learnEngineFusion',
  'DevTuning',
  'DevTuningOptions',
  'TunedEngine',
  'tuneOnDev',
  'TranslationError',
  // Tokenizers
  'joinWords',
  'SpecialIds',
  'splitWords',
  'Tokenizer',
  'WordTokenizer',
  'WordVocabulary',
  // Quality estimation and MBR
  'QeScore',
  'QualityEstimator',
  'QualityEstimatorOptions',
  'chrfUtility',
  'MbrOptions',
  'MbrSelection',
  'mbrSelect',
  'Utility',
  'MbrPool',
  'MbrPoolOptions',
  // The hint actor
  'HintActorOptions',
  'DEFAULT_HINT_BONUS',
  'HintBonus',
  'hintLogits',
  'spawnHintActor',
  // The translation memory and its actor
  'AnalysisBandName',
  'AnalysisReport',
  'AnalysisRow',
  'TextSplit',
  'ANALYSIS_BANDS',
  'formatAnalysisTable',
  'TmxLocation',
  'TmClosedError',
  'TmDatabaseError',
  'TmxFormatError',
  'TmxParseError',
  'LookupOptions',
  'LookupTrace',
  'canonicalRange',
  'canonicalTag',
  'rangeMatches',
  'SegmentInput',
  'SegmentMetadata',
  'SourceInput',
  'TargetInput',
  'TmMatch',
  'TmNote',
  'TmProp',
  'TmSegment',
  'PairCount',
  'similarity',
  'ExportFilter',
  'ExportSummary',
  'ImportIssue',
  'ImportOptions',
  'ImportProgress',
  'ImportSource',
  'ImportSummary',
  'scoreTokens',
  'wordCount',
  'AnalyzeOptions',
  'TmStats',
  'TranslationMemory',
  'TmActorOptions',
  'TmActor',
  'TmHit',
  'TmOffer',
  // Metrics
  'BleuComputation',
  'BleuOptions',
  'BleuScore',
  'BleuScoringOptions',
  'SmoothMethod',
  'computeBleu',
  'corpusBleu',
  'sentenceBleu',
  'BleuTokenizerName',
  'BLEU_TOKENIZERS',
  'bleuTokenizer',
  'ChrfOptions',
  'ChrfScore',
  'chrfPlusPlus',
  'corpusChrf',
  'sentenceChrf',
  'formatFixed',
  'ReferenceStreams',
  'MetricScore',
  'formatScoreLine',
  'scoreRecord',
  'SACREBLEU_VERSION',
  'tokenize13a',
  'tokenizeIntl',
  // The synthetic pair
  'ParallelSentence',
  'SyntheticPair',
  'SyntheticPairOptions',
  'WriteSyntheticPairOptions',
  'WrittenSyntheticPair',
  'writeSyntheticPair',
  'TmxLimitError',
];

/** Words that mark a test hook or internal wiring, which no public name may carry. */
const HOOK_WORDS = new Set([
  'fault',
  'inject',
  'injection',
  'mock',
  'stub',
  'fake',
  'test',
  'testing',
]);

/** The words of an identifier: ModelFault → model, fault; DEFAULT_HINT_BONUS → default, hint, bonus. */
function words(name: string): string[] {
  return name
    .split(/_|(?<=[a-z0-9])(?=[A-Z])/)
    .map((word) => word.toLowerCase())
    .filter((word) => word !== '');
}

const entries = {
  roundtable: ['src/index.ts', ROUNDTABLE],
  'roundtable/mt': ['src/mt/index.ts', MT],
} as const;

/** Every name an entry exports, as TypeScript resolves it (re-exports and `export *` included). */
function exportedNames(entry: string): string[] {
  const file = fileURLToPath(new URL(`../${entry}`, import.meta.url));
  const program = typeProgram([file]);
  const checker = program.getTypeChecker();
  const module = checker.getSymbolAtLocation(program.getSourceFile(file)!)!;
  return checker.getExportsOfModule(module).map((symbol) => symbol.getName());
}

describe('each entry point exports exactly its allow-list, and no test hook', () => {
  for (const [name, [entry, allowed]] of Object.entries(entries)) {
    it(`${name} (${entry})`, () => {
      const names = exportedNames(entry);
      expect([...names].sort()).toEqual([...allowed].sort());
      expect(names.filter((n) => words(n).some((word) => HOOK_WORDS.has(word)))).toEqual([]);
    });
  }
});

/** Hooks tests and the soak reach through src/engines/test-hooks.ts, never through the actor. */
const ACTOR_HOOKS = ['replicas', 'kill', 'injectFault'];

/** The public property and method names of a class's instances, as TypeScript sees them. */
function memberNames(program: ts.Program, entry: string, className: string): string[] {
  const checker = program.getTypeChecker();
  const file = fileURLToPath(new URL(`../${entry}`, import.meta.url));
  const module = checker.getSymbolAtLocation(program.getSourceFile(file)!)!;
  let symbol = checker.getExportsOfModule(module).find((s) => s.getName() === className)!;
  if (symbol.flags & ts.SymbolFlags.Alias) symbol = checker.getAliasedSymbol(symbol);
  return checker
    .getPropertiesOfType(checker.getDeclaredTypeOfSymbol(symbol))
    .map((member) => member.getName())
    .filter((name) => !/^(__)?#/.test(name)); // ES private members (#x) are no one's autocomplete
}

describe('an actor a user holds shows no test hook', () => {
  const actors = [
    ['src/index.ts', 'ModelActor'],
    ['src/index.ts', 'DecoderActor'],
    ['src/index.ts', 'CustomActor'],
    // Not exported by name; the runtime holds it (tests reach it through src/runtime/fusion-access.ts).
    ['src/engines/fusion/fusion-actor.ts', 'FusionActor'],
  ] as const;
  const program = typeProgram(
    actors.map(([entry]) => fileURLToPath(new URL(`../${entry}`, import.meta.url))),
  );
  for (const [entry, className] of actors) {
    it(className, () => {
      const names = memberNames(program, entry, className);
      expect(names).toContain('health'); // the check reads the real members
      expect(names.filter((n) => ACTOR_HOOKS.includes(n))).toEqual([]);
      expect(names.filter((n) => words(n).some((word) => HOOK_WORDS.has(word)))).toEqual([]);
    });
  }
  it('Roundtable has no fusion member (tests reach it through src/runtime/fusion-access.ts)', () => {
    const names = memberNames(program, 'src/index.ts', 'Roundtable');
    expect(names).toContain('run');
    expect(names).not.toContain('fusion');
  });
});
