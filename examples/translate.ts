// Translate from code: write the synthetic language pair, open a translation service on its
// plan, translate held-out sentences and score them with chrF.
// Run: npx tsx examples/translate.ts
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { corpusChrf, SyntheticPair, TranslationService, writeSyntheticPair } from 'roundtable/mt';

const dir = await mkdtemp(join(tmpdir(), 'roundtable-pair-'));
try {
  await writeSyntheticPair(dir, { train: 2000, dev: 50, test: 5 });
  const service = await TranslationService.open({
    plan: join(dir, 'routes.json'),
    from: SyntheticPair.SOURCE_LANGUAGE,
    to: SyntheticPair.TARGET_LANGUAGE,
  });
  try {
    const lines = async (file: string) =>
      (await readFile(join(dir, file), 'utf8')).trim().split('\n');
    const [sources, references] = [await lines('test.qsx'), await lines('test.qtx')];
    const hypotheses: string[] = [];
    for (const source of sources) {
      const { text } = await service.translate(source);
      hypotheses.push(text);
      console.log(`${source}\n  → ${text}`);
    }
    console.log(`chrF ${corpusChrf(hypotheses, [references]).score.toFixed(1)}`);
  } finally {
    await service.close();
  }
} finally {
  await rm(dir, { recursive: true, force: true });
}
