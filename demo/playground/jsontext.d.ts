/** Types of jsontext.js (plain JS served to the browser as is), for the unit tests. */
export interface Span {
  start: number
  end: number
}
export type Scan =
  | { ok: true; spans: Map<string, Span> }
  | { ok: false; pos: number; message: string }
export function scan(text: string): Scan
export function lineOf(text: string, pos: number): { line: number; column: number }
export function locate(spans: Map<string, Span>, path: string): Span | undefined
export function pretty(value: unknown, width?: number): string
