import { describe, expect, it } from 'vitest'
import { sniff } from './sniff'

/** The first bytes of a real PNG (signature and IHDR). */
const PNG = Uint8Array.from([
  0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52,
])
const PDF = new TextEncoder().encode('%PDF-1.7\n')

describe('sniff', () => {
  it('names each accepted type by its magic number, whatever the file claims', () => {
    expect(sniff(PNG)).toBe('image/png')
    expect(sniff(Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, 0]))).toBe('image/jpeg')
    expect(sniff(new TextEncoder().encode('GIF89a...'))).toBe('image/gif')
    expect(sniff(new TextEncoder().encode('GIF87a...'))).toBe('image/gif')
    expect(sniff(new TextEncoder().encode('RIFF\x10\0\0\0WEBPVP8 '))).toBe('image/webp')
    expect(sniff(PDF)).toBe('application/pdf')
  })
  it('names nothing else: HTML, SVG, a RIFF that is not WebP, a cut signature', () => {
    for (const s of [
      '<!doctype html><script>',
      '<svg xmlns="http://www.w3.org/2000/svg">',
      'RIFF\0\0\0\0WAVEfmt ',
      'GIF8',
      '',
    ])
      expect(sniff(new TextEncoder().encode(s))).toBeUndefined()
    expect(sniff(PNG.slice(0, 7))).toBeUndefined()
  })
})
