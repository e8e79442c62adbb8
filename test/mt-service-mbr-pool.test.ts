import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { corpusChrf } from '../src/mt/metrics/index.js';
import { SyntheticPair } from '../src/mt/synthetic/synthetic-pair.js';
import { writeSyntheticPair } from '../src/mt/synthetic/write-synthetic-pair.js';
import { TranslationService } from '../src/mt/translate/translation-service.js';

describe('a translation service with the mbr method selects on its MBR pool', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mbr-service-'));
    await writeSyntheticPair(dir, { train: 500, dev: 30, test: 4 });
  }, 120_000);
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('translates held-out sentences by MBR, and closes with its pool', async () => {
    const service = await TranslationService.open({
      plan: join(dir, 'routes.json'),
      from: SyntheticPair.SOURCE_LANGUAGE,
      to: SyntheticPair.TARGET_LANGUAGE,
      method: 'mbr',
    });
    const lines = async (file: string) =>
      (await readFile(join(dir, file), 'utf8')).trim().split('\n');
    const references = await lines('test.qtx');
    const hypotheses: string[] = [];
    try {
      for (const source of await lines('test.qsx')) {
        const translation = await service.translate(source);
        expect(translation.method).toBe('mbr');
        hypotheses.push(translation.text);
      }
    } finally {
      await service.close();
    }
    expect(hypotheses).toHaveLength(references.length);
    expect(corpusChrf(hypotheses, [references]).score).toBeGreaterThan(50);
  }, 120_000);
});
