import type { Command } from 'commander';
import { DEFAULT_MODEL_CACHE, generateDemoModels } from '../../models/index.js';
import { cliAction, parseNonNegativeInt } from '../cli-error.js';

/** `roundtable models generate [--dir <folder>]`: writes the seeded demo models the examples use. */
export function registerModels(program: Command): void {
  const models = program
    .command('models')
    .description('the seeded ONNX models the demo and the examples use');
  models
    .command('generate')
    .description(
      'write the demo models (3 classifiers, 3 next-token models, 3 refiners) and a manifest',
    )
    .option('--dir <folder>', 'where to write them', DEFAULT_MODEL_CACHE)
    .option('--seed-base <n>', 'first seed of each kind', parseNonNegativeInt, 0)
    .action(
      cliAction(async (options: { dir: string; seedBase: number }, command: Command) => {
        const generated = await generateDemoModels(options.dir, { seedBase: options.seedBase });
        const out =
          command.configureOutput().writeOut ?? ((text: string) => process.stdout.write(text));
        for (const entry of generated.manifest.models)
          out(`${entry.file}\t${entry.byteLength} bytes\n`);
        out(
          `${generated.manifest.models.length} models in ${options.dir} (${generated.written.length} files written)\n`,
        );
      }),
    );
}
