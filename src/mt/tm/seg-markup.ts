import { SaxesParser } from 'saxes';
import { ArgumentError } from '../../errors.js';
import { SegContent } from './seg-content.js';

/**
 * Reads TMX inline markup given through the API (the content of a `<seg>`, e.g.
 * `Click <bpt i="1">&lt;b&gt;</bpt>here<ept i="1">&lt;/b&gt;</ept>`) into the plain text used for
 * matching and the canonical markup the memory stores, exactly as the TMX importer would.
 * ArgumentError when it is not well-formed or holds a non-inline element; `what` names the field.
 */
export function parseSegMarkup(
  markup: string,
  what: string,
): { readonly text: string; readonly markup: string | null } {
  const content = new SegContent();
  const parser = new SaxesParser({ xmlns: false, fragment: true, position: true });
  parser.on('error', (error) => {
    throw new ArgumentError(`${what} is not well-formed TMX inline markup: ${error.message}`, what);
  });
  parser.on('opentag', (tag) => content.open(tag.name, tag.attributes, tag.isSelfClosing));
  parser.on('closetag', (tag) => content.close(tag.name, tag.isSelfClosing));
  parser.on('text', (text) => content.text(text));
  parser.on('cdata', (text) => content.text(text));
  parser.write(markup).close();
  if (content.problem !== null) throw new ArgumentError(`${what}: ${content.problem}`, what);
  return content.result();
}
