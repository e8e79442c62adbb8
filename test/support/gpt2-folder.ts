import { fileURLToPath } from 'node:url';

/** The shared real GPT-2 test folder (onnxruntime-genai layout), beside the repository. */
export const GPT2_FOLDER = fileURLToPath(
  new URL('../../../shared/models/tiny-random-gpt2/', import.meta.url),
);
