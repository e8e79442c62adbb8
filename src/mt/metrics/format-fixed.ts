import * as args from '../../actor/arguments.js';
/**
 * Python's `f"{value:.{digits}f}"`, which sacreBLEU uses for every number it prints. It rounds the
 * exact binary value half to even, where `Number.prototype.toFixed` rounds an exact tie up
 * (`(0.125).toFixed(2)` is "0.13", Python gives "0.12"), so a score printed at width 1 could
 * otherwise differ from sacreBLEU's in its last digit.
 */
export function formatFixed(value: number, digits: number): string {
  if (typeof value !== 'number') args.refuse('formatFixed', 'value', 'a number', value);
  args.integer('formatFixed', 'digits', digits, 0, 99);
  if (Number.isNaN(value)) return 'nan';
  if (!Number.isFinite(value)) return value > 0 ? 'inf' : '-inf';

  const negative = value < 0 || Object.is(value, -0);
  const magnitude = Math.abs(value);
  let integerPart: string;
  let fraction: string;
  if (magnitude >= 1e21) {
    // toFixed switches to exponent notation here; such a double is an integer anyway.
    integerPart = BigInt(magnitude).toString();
    fraction = '';
  } else {
    // 100 digits hold the exact expansion of every double that a tie could concern.
    const exact = magnitude.toFixed(100);
    const point = exact.indexOf('.');
    integerPart = exact.slice(0, point);
    fraction = exact.slice(point + 1);
  }

  const kept = fraction.slice(0, digits).padEnd(digits, '0');
  const rest = fraction.slice(digits);
  let scaled = BigInt(integerPart + kept);
  const first = rest.charCodeAt(0) - 48;
  if (rest.length > 0 && first >= 5) {
    const tie = first === 5 && /^0*$/.test(rest.slice(1));
    if (!tie || scaled % 2n === 1n) scaled += 1n;
  }

  let text = scaled.toString().padStart(digits + 1, '0');
  if (digits > 0) text = `${text.slice(0, text.length - digits)}.${text.slice(-digits)}`;
  return negative ? `-${text}` : text;
}
