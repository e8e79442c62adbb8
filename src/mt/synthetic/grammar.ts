import type { SeededRandom } from '../../util/random.js';
import type { Lexicon } from './lexicon.js';

/**
 * The source grammar, a small probabilistic context-free grammar with agreement:
 *
 *   S      → Clause '.'                       (0.75)
 *          | Clause Conj Clause '.'            (0.25)
 *   Clause → NP Vt NP (PP)                     (transitive 0.6; PP 0.3)
 *          | NP Vi (PP)
 *   PP     → P NP
 *   NP     → Det (Adj) N                       (Adj 0.35; N plural 0.4)
 *
 * A determiner agrees with its noun's number; a present-tense verb agrees with its subject
 * (past 0.4, which the source does not mark for number). Words of a category are drawn with Zipf
 * weights (the k-th word ∝ 1/k), so a few words are frequent and most are rare, as in text.
 * Sentences have 3 to 24 words.
 */
export interface NounPhrase {
  readonly det: number;
  readonly adj: number | undefined;
  readonly noun: number;
  readonly plural: boolean;
}

export interface PrepositionalPhrase {
  readonly adposition: number;
  readonly object: NounPhrase;
}

export interface Clause {
  readonly subject: NounPhrase;
  readonly verb: number;
  readonly past: boolean;
  /** Present exactly when the verb is transitive. */
  readonly object: NounPhrase | undefined;
  readonly pp: PrepositionalPhrase | undefined;
}

export interface SentenceTree {
  readonly first: Clause;
  /** The conjunction and the second clause, when there is one. */
  readonly second: { readonly conjunction: number; readonly clause: Clause } | undefined;
}

export const GRAMMAR_PROBABILITIES = {
  conjoined: 0.25,
  transitive: 0.6,
  pp: 0.3,
  adjective: 0.35,
  plural: 0.4,
  past: 0.4,
} as const;

/** The longest sentence the grammar makes, in words: two full clauses, a conjunction, a stop. */
export const MAX_SENTENCE_WORDS = 2 * (3 + 1 + 3 + 4) + 2;

/** Draws sentences from the grammar over one lexicon. */
export class Grammar {
  readonly #lexicon: Lexicon;
  readonly #zipf = new Map<number, Float64Array>();

  constructor(lexicon: Lexicon) {
    this.#lexicon = lexicon;
  }

  sentence(random: SeededRandom): SentenceTree {
    const first = this.#clause(random);
    if (random.random() >= GRAMMAR_PROBABILITIES.conjoined) return { first, second: undefined };
    const conjunction = this.#zipfIndex(random, this.#lexicon.conjunctions.length);
    return { first, second: { conjunction, clause: this.#clause(random) } };
  }

  #clause(random: SeededRandom): Clause {
    const subject = this.#nounPhrase(random);
    const transitive = random.random() < GRAMMAR_PROBABILITIES.transitive;
    const verbs = this.#lexicon.verbs;
    const candidates = verbs.flatMap((verb, i) => (verb.transitive === transitive ? [i] : []));
    const verb = candidates[this.#zipfIndex(random, candidates.length)]!;
    const past = random.random() < GRAMMAR_PROBABILITIES.past;
    const object = transitive ? this.#nounPhrase(random) : undefined;
    const pp =
      random.random() < GRAMMAR_PROBABILITIES.pp
        ? {
            adposition: this.#zipfIndex(random, this.#lexicon.adpositions.length),
            object: this.#nounPhrase(random),
          }
        : undefined;
    return { subject, verb, past, object, pp };
  }

  #nounPhrase(random: SeededRandom): NounPhrase {
    const plural = random.random() < GRAMMAR_PROBABILITIES.plural;
    const agreeing = this.#lexicon.determiners.flatMap((det, i) =>
      det.number === 'any' || det.number === (plural ? 'pl' : 'sg') ? [i] : [],
    );
    const det = agreeing[this.#zipfIndex(random, agreeing.length)]!;
    const adj =
      random.random() < GRAMMAR_PROBABILITIES.adjective
        ? this.#zipfIndex(random, this.#lexicon.adjectives.length)
        : undefined;
    const noun = this.#zipfIndex(random, this.#lexicon.nouns.length);
    return { det, adj, noun, plural };
  }

  /** An index in [0, n) with Zipf weights 1/(k+1). */
  #zipfIndex(random: SeededRandom, n: number): number {
    let cumulative = this.#zipf.get(n);
    if (!cumulative) {
      cumulative = new Float64Array(n);
      let total = 0;
      for (let k = 0; k < n; k++) {
        total += 1 / (k + 1);
        cumulative[k] = total;
      }
      for (let k = 0; k < n; k++) cumulative[k] = cumulative[k]! / total;
      this.#zipf.set(n, cumulative);
    }
    const u = random.random();
    let low = 0;
    let high = n - 1;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (cumulative[mid]! > u) high = mid;
      else low = mid + 1;
    }
    return low;
  }
}
