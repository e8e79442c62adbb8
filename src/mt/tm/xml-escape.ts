/**
 * Escaping for the TMX the memory writes. `>` is escaped too so that `]]>` never appears, and
 * carriage returns become `&#13;` because an XML parser would otherwise turn them into `\n`.
 * Attribute values also keep tabs and newlines as references, which attribute-value
 * normalisation would otherwise turn into spaces.
 */
export function escapeText(text: string): string {
  return text.replace(/[&<>\r]/g, (c) => TEXT_ESCAPES[c]!);
}

export function escapeAttribute(value: string): string {
  return value.replace(/[&<>"\t\n\r]/g, (c) => ATTRIBUTE_ESCAPES[c]!);
}

const TEXT_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '\r': '&#13;',
};
const ATTRIBUTE_ESCAPES: Record<string, string> = {
  ...TEXT_ESCAPES,
  '"': '&quot;',
  '\t': '&#9;',
  '\n': '&#10;',
};

/** Characters that XML 1.0 cannot carry at all, not even as a character reference. */
const NOT_XML = /[^\t\n\r\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;

/** The index of the first character XML 1.0 cannot represent, or -1. */
export function firstNonXmlChar(text: string): number {
  const match = NOT_XML.exec(text);
  return match ? match.index : -1;
}
