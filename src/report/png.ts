/**
 * SVG charts rendered to PNG for clients that show images but not HTML. resvg (a Rust SVG
 * renderer with prebuilt binaries on npm) does this without a browser; system fonts are used.
 */
import { Resvg } from '@resvg/resvg-js';

export function svgToPng(svg: string, scale = 2): Buffer {
  const resvg = new Resvg(svg, { fitTo: { mode: 'zoom', value: scale }, font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' }, background: '#ffffff' });
  return resvg.render().asPng();
}
