/**
 * Reading a QR code back, with jsQR, as a phone's camera would: from pixels.
 * `decodeQrSvg` rasterises the hosted page's SVG itself (uqr's one-unit
 * squares, `M<x>,<y>h1v1h-1z`), so a worker test needs no browser; the e2e
 * test decodes what Chromium actually drew. Neither trusts the encoder: a
 * code that does not hold the URL fails here whatever produced it.
 */
import jsQR from 'jsqr';

/** The text a QR code holds, from RGBA pixels; `null` when none is found. */
export function decodeQrPixels(
  rgba: Uint8ClampedArray,
  width: number,
  height: number,
): string | null {
  return jsQR(rgba, width, height, { inversionAttempts: 'dontInvert' })?.data ?? null;
}

/** The text held by an SVG QR code as the hosted page draws it, drawn at `scale` pixels a module. */
export function decodeQrSvg(svg: string, scale = 4): string | null {
  const box = /viewBox="0 0 (\d+) (\d+)"/.exec(svg);
  if (!box) throw new Error('no viewBox in the QR code');
  const size = Number(box[1]) * scale;
  const rgba = new Uint8ClampedArray(size * size * 4).fill(255);
  const path = /<path[^>]* d="([^"]*)"/.exec(svg)?.[1] ?? '';
  const squares = path.split('z').filter(Boolean);
  for (const square of squares) {
    const m = /^M(\d+),(\d+)h1v1h-1$/.exec(square);
    if (!m) throw new Error(`unexpected path piece ${square}`);
    const [x, y] = [Number(m[1]) * scale, Number(m[2]) * scale];
    for (let dy = 0; dy < scale; dy++) {
      for (let dx = 0; dx < scale; dx++) {
        const i = ((y + dy) * size + x + dx) * 4;
        rgba[i] = rgba[i + 1] = rgba[i + 2] = 0;
      }
    }
  }
  return decodeQrPixels(rgba, size, size);
}

/** The SVG inside the hosted approve page's QR image (`data:image/svg+xml,…`), or `undefined` when there is none. */
export function qrSvgOfPage(html: string): string | undefined {
  const src = /<img class="qr" src="data:image\/svg\+xml,([^"]*)"/.exec(html)?.[1];
  return src === undefined ? undefined : decodeURIComponent(src.replace(/&amp;/g, '&'));
}
