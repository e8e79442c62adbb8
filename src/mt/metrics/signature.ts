/**
 * The sacreBLEU release whose behaviour this package reproduces and whose version its
 * signatures carry. Scores were checked against sacreBLEU 2.6.0 (PyPI); BLEU and chrF have not
 * changed their numbers since 2.0.0, but the signature names the exact version, as sacreBLEU's does.
 */
export const SACREBLEU_VERSION = '2.6.0';

/** One `key:value` field of a signature. */
export type SignatureField = readonly [key: string, value: string | number];

/**
 * A signature in sacreBLEU's long form: the metric's fields in order, then `version`, which
 * sacreBLEU always keeps last. `nrefs:2|case:mixed|eff:no|tok:13a|smooth:exp|version:2.6.0`
 */
export function formatSignature(fields: readonly SignatureField[]): string {
  return [...fields, ['version', SACREBLEU_VERSION] as const]
    .map(([key, value]) => `${key}:${value}`)
    .join('|');
}

/** The fields of a signature, in order (the parse sacreBLEU does for its JSON output). */
export function signatureFields(signature: string): Array<[key: string, value: string]> {
  return signature.split('|').map((field) => {
    const colon = field.indexOf(':');
    return [field.slice(0, colon), field.slice(colon + 1)];
  });
}
