import { escapeAttribute, escapeText } from './xml-escape.js';

/**
 * Builds, from the parser's events inside one TMX `<seg>`, the two forms the memory keeps:
 *
 * - `text`: what matching sees. Text inside `<hi>` counts; the native code inside `<bpt>`, `<ept>`,
 *   `<it>`, `<ph>` and `<ut>` does not, and neither does `<sub>` (a sub-flow such as a footnote or
 *   an alt text inside a tag belongs to another sentence).
 * - `markup`: the content as canonical XML (attributes in document order, double-quoted, escaped
 *   as {@link escapeText}/{@link escapeAttribute} do), or null when there was no inline element,
 *   since the markup is then just the escaped text.
 *
 * Parsing then serialising makes the stored markup independent of how the file spelt it (CDATA,
 * character references, quotes), so import → export → import is a fixed point.
 */
export class SegContent {
  #text = '';
  #markup = '';
  #elements = 0;
  /** Depth inside code or sub elements: text there is not the sentence's. */
  #hidden = 0;
  #problem: string | null = null;

  open(name: string, attributes: Readonly<Record<string, string>>, selfClosing: boolean): void {
    if (!INLINE.has(name)) {
      this.#problem ??= `<seg> holds <${name}>, which is not a TMX 1.4b inline element`;
    }
    this.#elements++;
    let tag = `<${name}`;
    for (const [key, value] of Object.entries(attributes))
      tag += ` ${key}="${escapeAttribute(value)}"`;
    this.#markup += selfClosing ? `${tag}/>` : `${tag}>`;
    if (HIDING.has(name) && !selfClosing) this.#hidden++;
  }

  close(name: string, selfClosing: boolean): void {
    if (selfClosing) return;
    this.#markup += `</${name}>`;
    if (HIDING.has(name)) this.#hidden--;
  }

  text(text: string): void {
    this.#markup += escapeText(text);
    if (this.#hidden === 0) this.#text += text;
  }

  /** Why this content cannot be stored, or null. */
  get problem(): string | null {
    return this.#problem;
  }

  result(): { readonly text: string; readonly markup: string | null } {
    return { text: this.#text, markup: this.#elements > 0 ? this.#markup : null };
  }
}

const INLINE = new Set(['bpt', 'ept', 'it', 'ph', 'hi', 'ut', 'sub']);
const HIDING = new Set(['bpt', 'ept', 'it', 'ph', 'ut', 'sub']);
