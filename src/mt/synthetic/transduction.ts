import type { Clause, NounPhrase, SentenceTree } from './grammar.js';
import type { Lexicon } from './lexicon.js';

/**
 * The two sides of a sentence tree. The source reads the tree in its own order; the target is the
 * deterministic transduction, the ground truth every model of the pair is measured against:
 *
 * - word by word through the lexicon;
 * - adjective after its noun (Det Adj N → Det N Adj);
 * - postpositions (P NP → NP P);
 * - verb-final clauses (Subj V Obj PP → Subj Obj PP V);
 * - agreement: determiners and adjectives take their noun's number, the verb its subject's
 *   number (also in the past, which the source leaves unmarked), and the determiner of a direct
 *   object takes the accusative.
 *
 * This file reads the tree; the translation models compute the same function from the source
 * words alone (translation-tables.ts), and a test holds the two to each other.
 */
export function sourceWords(lexicon: Lexicon, tree: SentenceTree): string[] {
  const np = (phrase: NounPhrase): string[] => [
    lexicon.determiners[phrase.det]!.source,
    ...(phrase.adj !== undefined ? [lexicon.adjectives[phrase.adj]!.source] : []),
    lexicon.nouns[phrase.noun]!.source[phrase.plural ? 1 : 0],
  ];
  const clause = (c: Clause): string[] => {
    const verb = lexicon.verbs[c.verb]!;
    const form = c.past ? 2 : c.subject.plural ? 1 : 0;
    return [
      ...np(c.subject),
      verb.source[form],
      ...(c.object ? np(c.object) : []),
      ...(c.pp ? [lexicon.adpositions[c.pp.adposition]!.source, ...np(c.pp.object)] : []),
    ];
  };
  return [
    ...clause(tree.first),
    ...(tree.second
      ? [lexicon.conjunctions[tree.second.conjunction]!.source, ...clause(tree.second.clause)]
      : []),
    lexicon.stop,
  ];
}

export function targetWords(lexicon: Lexicon, tree: SentenceTree): string[] {
  const np = (phrase: NounPhrase, accusative: boolean): string[] => {
    const number = phrase.plural ? 1 : 0;
    return [
      lexicon.determiners[phrase.det]!.target[(accusative ? 2 : 0) + number]!,
      lexicon.nouns[phrase.noun]!.target[number],
      ...(phrase.adj !== undefined ? [lexicon.adjectives[phrase.adj]!.target[number]] : []),
    ];
  };
  const clause = (c: Clause): string[] => {
    const verb = lexicon.verbs[c.verb]!;
    const form = (c.past ? 2 : 0) + (c.subject.plural ? 1 : 0);
    return [
      ...np(c.subject, false),
      ...(c.object ? np(c.object, true) : []),
      ...(c.pp ? [...np(c.pp.object, false), lexicon.adpositions[c.pp.adposition]!.target] : []),
      verb.target[form]!,
    ];
  };
  return [
    ...clause(tree.first),
    ...(tree.second
      ? [lexicon.conjunctions[tree.second.conjunction]!.target, ...clause(tree.second.clause)]
      : []),
    lexicon.stop,
  ];
}
