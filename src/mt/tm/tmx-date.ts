/**
 * Dates: TMX writes `YYYYMMDDThhmmssZ` (ISO 8601 basic, UTC); the memory stores ISO 8601 extended
 * UTC (`YYYY-MM-DDThh:mm:ssZ`), which sorts as text and which `Date` parses.
 */

const TMX_DATE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;

/** The stored form of a date given as TMX basic, ISO 8601 or a Date; null when it is not one. */
export function storedDate(value: string | Date): string | null {
  let date: Date;
  if (value instanceof Date) {
    date = value;
  } else {
    const basic = TMX_DATE.exec(value.trim());
    if (basic) {
      const [, y, mo, d, h, mi, s] = basic.map(Number) as number[];
      date = new Date(Date.UTC(y!, mo! - 1, d!, h!, mi!, s!));
      // Date.UTC rolls 20240231 over into March: such a date is not a date.
      if (date.getUTCMonth() !== mo! - 1 || date.getUTCDate() !== d!) return null;
    } else if (
      /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2}))?$/.test(
        value.trim(),
      )
    ) {
      date = new Date(value.trim());
    } else {
      return null;
    }
  }
  if (Number.isNaN(date.getTime())) return null;
  return `${date.toISOString().slice(0, 19)}Z`;
}

/** The TMX form of a stored date. */
export function tmxDate(stored: string): string {
  return stored.replace(/[-:]/g, '');
}
