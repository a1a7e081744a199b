import { describe, expect, it } from 'vitest';
import { cleanDeep, cleanText, hasUnsafeText } from './terminal.js';

describe('cleanText', () => {
  it('shows escape sequences, C0/C1 controls and bidi overrides as visible placeholders', () => {
    expect(cleanText('\x1b[2J\x1b[Hhi\x1b[8m')).toBe('␛[2J␛[Hhi␛[8m');
    expect(cleanText('a\rb\x07c\x7fd\x9be')).toBe('a␍b␇c␡d�e');
    expect(cleanText('file\u202Egnp.exe \u2066x\u2069')).toBe('file⟪U+202E⟫gnp.exe ⟪U+2066⟫x⟪U+2069⟫');
  });
  it('keeps newlines and tabs (or folds newlines on one line) and leaves plain text alone', () => {
    expect(cleanText('a\n\tb\r\nc')).toBe('a\n\tb\nc');
    expect(cleanText('a\nb', { multiline: false })).toBe('a b');
    expect(cleanText('+ nginx → port 80 ✓ ünïcödé')).toBe('+ nginx → port 80 ✓ ünïcödé');
    expect(hasUnsafeText('plain')).toBe(false);
    expect(hasUnsafeText('\x1b[0m')).toBe(true);
  });
  it('cleanDeep cleans every string and key of a reply', () => {
    expect(cleanDeep({ a: ['\x1b[31m'], '\x1bk': 1 })).toEqual({ a: ['␛[31m'], '␛k': 1 });
  });
});
