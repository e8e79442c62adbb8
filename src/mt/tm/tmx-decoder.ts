import { TextDecoder } from 'node:util';

/**
 * Picks the decoder for a TMX byte stream from its first bytes, as XML 1.0 appendix F does: a
 * byte-order mark, else the shape of `<?xml` in UTF-16, else the `encoding` of the XML
 * declaration, else UTF-8. TMX files are UTF-8 or UTF-16 in practice; any encoding the platform's
 * TextDecoder knows (ISO-8859-1, windows-1252, …) works. The decoder is fatal: bytes that are not
 * valid in the encoding stop the import instead of turning into U+FFFD in the memory.
 */
export function sniffDecoder(head: Uint8Array): TextDecoder {
  const [b0, b1, b2, b3] = head;
  if (b0 === 0xef && b1 === 0xbb && b2 === 0xbf) return new TextDecoder('utf-8', { fatal: true });
  if (b0 === 0xff && b1 === 0xfe) return new TextDecoder('utf-16le', { fatal: true });
  if (b0 === 0xfe && b1 === 0xff) return new TextDecoder('utf-16be', { fatal: true });
  if (b0 === 0x3c && b1 === 0x00 && b2 === 0x3f && b3 === 0x00) {
    return new TextDecoder('utf-16le', { fatal: true });
  }
  if (b0 === 0x00 && b1 === 0x3c && b2 === 0x00 && b3 === 0x3f) {
    return new TextDecoder('utf-16be', { fatal: true });
  }
  const start = new TextDecoder('latin1').decode(head.subarray(0, 512));
  const declared = /^<\?xml[^>]*?\sencoding\s*=\s*["']([A-Za-z0-9._-]+)["']/.exec(start)?.[1];
  if (declared !== undefined) {
    try {
      return new TextDecoder(declared, { fatal: true });
    } catch {
      // An encoding the platform does not know: read as UTF-8 and let the bytes decide.
    }
  }
  return new TextDecoder('utf-8', { fatal: true });
}
