import { RoundtableError } from '../../errors.js';

/** A segment that cannot be translated as asked: too long for the models' window, no route, … */
export class TranslationError extends RoundtableError {
  override readonly code = 'ERR_TRANSLATION';
  override name = 'TranslationError';
}
