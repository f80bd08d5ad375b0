import { decodeRequest } from "../worker/src/otlp/decode.ts";
import { mapSpans } from "../worker/src/otlp/map-spans.ts";
const gc = (globalThis as any).gc;
const m = Number(process.argv[2]);
// one span with m empty KeyValues (field 9, len 0) ... spans: field 2 of ScopeSpans; ScopeSpans field 2 of ResourceSpans; ResourceSpans field 1
const span = [0x0a, 16, ...Array(15).fill(0), 1, 0x12, 8, ...Array(7).fill(0), 1, 0x39, ...[0,0,0,0,0,0,0,1].reverse(), 0x41, ...[0,0,0,0,0,0,0,2].reverse()];
const attrs = new Uint8Array(m * 2); for (let i = 0; i < m; i++) { attrs[2*i] = 0x4a; attrs[2*i+1] = 0; }
const varint = (n: number) => { const o: number[] = []; while (n > 127) { o.push((n & 127) | 128); n = Math.floor(n / 128); } o.push(n); return o; };
const spanBytes = new Uint8Array([...span, ...[]]); const spanLen = spanBytes.length + attrs.length;
const wrap = (tag: number, inner: Uint8Array) => { const h = new Uint8Array([tag, ...varint(inner.length)]); const o = new Uint8Array(h.length + inner.length); o.set(h); o.set(inner, h.length); return o; };
const full = new Uint8Array(spanLen); full.set(spanBytes); full.set(attrs, spanBytes.length);
let bytes = wrap(0x0a, wrap(0x12, wrap(0x12, full)));
gc(); gc();
const mem = () => { gc(); const mm = process.memoryUsage(); return mm.heapUsed + mm.arrayBuffers; };
const base = mem();
const t0 = performance.now();
const decoded = decodeRequest("traces", "protobuf", bytes);
const a = mem() - base;
const mapped = mapSpans((decoded as any).request, 1_800_000_000_000);
const b = mem() - base;
console.log(JSON.stringify({ m, size: bytes.length, ok: decoded.ok, decodedMB: +(a/1e6).toFixed(1), mappedMB: +(b/1e6).toFixed(1), ms: Math.round(performance.now()-t0), rows: mapped.rows.length, rej: mapped.rejected, n: (decoded as any).request?.resourceSpans[0].scopeSpans[0].spans[0].attributes.length }));
