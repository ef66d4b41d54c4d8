import { describe, expect, it } from 'vitest';
import { clipText, echo, scrubStrings, stripControls } from '../../../src/adapters/console/safeText.js';

// biome-ignore lint/suspicious/noControlCharactersInRegex: looking for control characters is the point
const anyControl = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

describe('stripControls', () => {
  it('removes a window-title sequence with its payload, colours, cursor moves and NUL', () => {
    expect(stripControls('shop\u001b]0;pwned\u0007 is \u001b[31mred\u001b[0m\u001b[2J\u0000!')).toBe(
      'shop is red!',
    );
    expect(stripControls('a\u001b]8;;http://x\u001b\\link\u001b]8;;\u001b\\b')).toBe('alinkb');
  });
  it('removes C1 controls (CSI and OSC in their 8-bit forms) and bidi overrides', () => {
    expect(stripControls('a\u009b31mb\u009d0;t\u009cc\u0085d')).toBe('abcd');
    expect(stripControls('x\u202eevil\u202cy\u2066z\u2069')).toBe('xevilyz');
  });
  it('keeps text, turns tabs into spaces, and newlines (and CR, LS, PS) into spaces unless multiline', () => {
    expect(stripControls('GET /é → ✓\tok')).toBe('GET /é → ✓ ok');
    expect(stripControls('one\r\ntwo\rthree\u2028four')).toBe('one two three four');
    expect(stripControls('one\r\ntwo', true)).toBe('one\ntwo');
  });
  it('an unterminated sequence loses its introducer, not the rest of the text', () => {
    expect(stripControls('a\u001b]0;no end, still shown')).toBe('a0;no end, still shown');
  });
});

describe('echoes and scrubbing', () => {
  it('clips an echo of long input to 200 characters with an ellipsis', () => {
    const e = echo(`${'\u001b[31m'.repeat(10)}${'y'.repeat(10_000)}`);
    expect(e).toHaveLength(200);
    expect(e.endsWith('…')).toBe(true);
    expect(clipText('short', 200)).toBe('short');
  });
  it('flattens newlines unless told the value has multi-line fields', () => {
    expect(scrubStrings({ o: 'a\nb\r\nc' })).toEqual({ o: 'a b c' });
    expect(scrubStrings({ o: 'a\nb\r\nc' }, 10, true)).toEqual({ o: 'a\nb\nc' });
  });
  it('cleans every string of a nested value, keys included, and leaves other values alone', () => {
    const v = scrubStrings(
      { a: ['x\u0007', { b: 'y\u001b[1m' }], n: 3, ok: true, none: null, 'k\u0000': 'z' },
      10,
    );
    expect(v).toEqual({ a: ['x', { b: 'y' }], n: 3, ok: true, none: null, k: 'z' });
    expect(JSON.stringify(scrubStrings({ s: '\u0001'.repeat(50) + 'q'.repeat(50) }, 20))).not.toMatch(
      anyControl,
    );
  });
});
