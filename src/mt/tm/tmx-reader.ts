import { SaxesParser, type SaxesTagPlain } from 'saxes';
import { TmxFormatError, TmxLimitError, TmxParseError } from './errors.js';
import { SegContent } from './seg-content.js';
import type { TmxHeader, TmxNote, TmxProp, TmxUnit, TmxVariant } from './tmx-unit.js';

export interface TmxReaderHandlers {
  header(header: TmxHeader): void;
  unit(unit: TmxUnit): void;
}

/** Default of the most characters of text in one segment, note or property, or between tags. */
export const DEFAULT_MAX_TEXT_LENGTH = 1 << 20;

interface OpenUnit {
  line: number;
  attributes: Record<string, string>;
  props: TmxProp[];
  notes: TmxNote[];
  variants: TmxVariant[];
}

interface OpenVariant {
  lang: string | null;
  attributes: Record<string, string>;
  props: TmxProp[];
  notes: TmxNote[];
  seg: { text: string; markup: string | null } | null;
  problem: string | null;
}

interface OpenAnnotation {
  kind: 'prop' | 'note';
  attributes: Record<string, string>;
  value: string;
}

/**
 * A push reader of TMX: feed it decoded text with {@link write}, in chunks of any size, and it
 * calls the handlers for the header and for each complete `<tu>`. It holds one unit at a time, so
 * memory does not grow with the file.
 *
 * It throws {@link TmxFormatError} when the document is not TMX (its root is not `<tmx>`, or it is
 * not XML at all), {@link TmxParseError} when XML breaks inside a TMX document, and
 * {@link TmxLimitError} when one text grows past `maxTextLength`: the XML parser holds a text
 * node whole until the next tag, so without a limit one huge segment would fill the heap.
 */
export class TmxReader {
  readonly #file: string;
  readonly #handlers: TmxReaderHandlers;
  readonly #parser = new SaxesParser({ xmlns: false, position: true });
  readonly #stack: string[] = [];
  #rootSeen = false;
  #unit: OpenUnit | null = null;
  #variant: OpenVariant | null = null;
  #annotation: OpenAnnotation | null = null;
  #seg: SegContent | null = null;
  #segDepth = 0;
  readonly #maxTextLength: number;
  /** The parser's character position at its last event: what it holds since is one text. */
  #lastEventAt = 0;
  #segLength = 0;

  constructor(
    file: string,
    handlers: TmxReaderHandlers,
    options: { readonly maxTextLength?: number } = {},
  ) {
    this.#file = file;
    this.#handlers = handlers;
    const max = options.maxTextLength ?? DEFAULT_MAX_TEXT_LENGTH;
    if (!Number.isSafeInteger(max) || max < 1)
      throw new RangeError(`maxTextLength must be a positive integer, got ${max}`);
    this.#maxTextLength = max;
    const parser = this.#parser;
    parser.on('error', (error) => this.#fail(error));
    parser.on('opentag', (tag) => {
      this.#lastEventAt = parser.position;
      this.#open(tag);
    });
    parser.on('closetag', (tag) => {
      this.#lastEventAt = parser.position;
      this.#close(tag);
    });
    parser.on('text', (text) => this.#text(text));
    parser.on('cdata', (text) => this.#text(text));
  }

  write(chunk: string): void {
    // In slices no longer than the limit, so the parser never holds much more than it.
    const slice = Math.max(this.#maxTextLength, 64 * 1024);
    for (let at = 0; at < chunk.length; at += slice) {
      this.#parser.write(at === 0 && chunk.length <= slice ? chunk : chunk.slice(at, at + slice));
      if (this.#parser.position - this.#lastEventAt > this.#maxTextLength)
        this.#tooLong('text without markup');
    }
  }

  #tooLong(what: string): never {
    throw new TmxLimitError(what, this.#maxTextLength, this.#where());
  }

  /** Ends the document; throws when it was cut short. */
  close(): void {
    this.#parser.close();
  }

  /** True once the `<tmx>` root has been read. */
  get started(): boolean {
    return this.#rootSeen;
  }

  /** Where the parser is: one-based line and column of the next character. */
  get position(): { readonly line: number; readonly column: number } {
    return { line: this.#parser.line, column: this.#parser.column + 1 };
  }

  #where(): { file: string; line: number; column: number } {
    return { file: this.#file, ...this.position };
  }

  #fail(error: Error): never {
    // saxes prefixes its messages with "line:column: "; the error types carry those as fields.
    const reason = error.message.replace(/^(?:.*?:)?\d+:\d+: /, '');
    if (!this.#rootSeen) {
      const what = /root element/.test(reason)
        ? 'but the file has no element at all'
        : `but the file is not XML (${reason})`;
      throw new TmxFormatError(what, this.#where());
    }
    throw new TmxParseError(reason, this.#where());
  }

  #open(tag: SaxesTagPlain): void {
    const { name, attributes, isSelfClosing } = tag;
    const parent = this.#stack.at(-1);
    this.#stack.push(name);
    if (this.#seg !== null) {
      this.#seg.open(name, attributes, isSelfClosing);
      return;
    }
    if (parent === undefined) {
      if (name !== 'tmx') throw new TmxFormatError(`but the root is <${name}>`, this.#where());
      this.#rootSeen = true;
    } else if (parent === 'tmx' && name === 'header') {
      this.#handlers.header({ attributes: { ...attributes } });
    } else if (parent === 'body' && name === 'tu') {
      this.#unit = {
        line: this.#parser.line,
        attributes: { ...attributes },
        props: [],
        notes: [],
        variants: [],
      };
    } else if (parent === 'tu' && name === 'tuv' && this.#unit !== null) {
      this.#variant = {
        lang: attributes['xml:lang'] ?? attributes.lang ?? null,
        attributes: { ...attributes },
        props: [],
        notes: [],
        seg: null,
        problem: null,
      };
    } else if ((parent === 'tu' || parent === 'tuv') && (name === 'prop' || name === 'note')) {
      this.#annotation = { kind: name, attributes: { ...attributes }, value: '' };
    } else if (parent === 'tuv' && name === 'seg' && this.#variant !== null) {
      this.#seg = new SegContent();
      this.#segLength = 0;
      this.#segDepth = this.#stack.length;
    }
    // Anything else (header's <ude>, <map>, unknown extensions) is skipped with its content.
  }

  #close(tag: SaxesTagPlain): void {
    const { name, isSelfClosing } = tag;
    this.#stack.pop();
    if (this.#seg !== null) {
      if (this.#stack.length >= this.#segDepth) {
        this.#seg.close(name, isSelfClosing);
        return;
      }
      const variant = this.#variant!;
      variant.seg = this.#seg.result();
      variant.problem ??= this.#seg.problem;
      this.#seg = null;
      return;
    }
    if ((name === 'prop' || name === 'note') && this.#annotation !== null) {
      this.#attach(this.#annotation);
      this.#annotation = null;
    } else if (name === 'tuv' && this.#variant !== null && this.#unit !== null) {
      const v = this.#variant;
      this.#unit.variants.push({
        lang: v.lang,
        attributes: v.attributes,
        props: v.props,
        notes: v.notes,
        text: v.seg?.text ?? null,
        markup: v.seg?.markup ?? null,
        problem: v.problem,
      });
      this.#variant = null;
    } else if (name === 'tu' && this.#unit !== null) {
      const unit = this.#unit;
      this.#unit = null;
      this.#handlers.unit(unit);
    }
  }

  #text(text: string): void {
    if (this.#seg !== null) {
      this.#segLength += text.length;
      if (this.#segLength > this.#maxTextLength) this.#tooLong('a segment');
      this.#seg.text(text);
    } else if (this.#annotation !== null) {
      if (this.#annotation.value.length + text.length > this.#maxTextLength)
        this.#tooLong(`a <${this.#annotation.kind}>`);
      this.#annotation.value += text;
    }
  }

  #attach(annotation: OpenAnnotation): void {
    const owner = this.#variant ?? this.#unit;
    if (owner === null) return; // header-level props and notes are not kept
    const lang = annotation.attributes['xml:lang'];
    if (annotation.kind === 'prop') {
      const type = annotation.attributes.type ?? '';
      owner.props.push(
        lang === undefined
          ? { type, value: annotation.value }
          : { type, value: annotation.value, lang },
      );
    } else {
      owner.notes.push(
        lang === undefined ? { value: annotation.value } : { value: annotation.value, lang },
      );
    }
  }
}
