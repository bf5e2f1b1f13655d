// Vega in Node.js: draws Vega specs to SVG for generator/vega_node.py, one JSON message a line each way.
//
// Usage: node vega_node.mjs VEGA_BUNDLE. The bundle is vl-convert's own build of Vega (the same version that
// vl-convert runs), so the SVG is vl-convert's but for how text is measured. vl-convert lays out each text anew
// with its font database (a third of a millisecond a text, most of a chart's time); here a text's width is the sum
// of its characters' advances in the measurement font, as vl-convert measures with it (no shaping tables, so no
// kerning), rounded to single precision as vl-convert's is, and each distinct text is measured once a process.
//
// In:  {"font": id, "upem": n, "regular": {char: advance}, "bold": {char: advance}}  (a measurement font's advances)
//      {"font": id, "template": key, "params": [name…], "spec": {…}}                 (a Vega spec to draw)
//      Specs of one template key differ only in their inline data's values, their title's text and the values of
//      the signals named in params: the template is parsed once (a third of drawing a chart), and each chart gets a
//      View of its own, given its data, title and signals before it first runs.
// Out: {"svg": "…"} for a spec; {"error": "…"} when it cannot be drawn exactly so (a character the font lacks,
//      which vl-convert would measure with another font), or when Vega failed.

import readline from 'node:readline';
import {pathToFileURL} from 'node:url';

globalThis.window ??= globalThis; // the bundle, made for a web page, refers to `window`
await import(pathToFileURL(process.argv[2]).href);
const vega = globalThis.__trackboardVega;
if (!vega || typeof vega.parse !== 'function' || !vega.textMetrics) {
  process.stderr.write('the bundle does not hold Vega\n');
  process.exit(2);
}

class MissingCharacter extends Error {}

const fonts = new Map(); // id: {upem, regular, bold, widths: Map}
let current = null;

// vl-convert measures a text as an SVG <text> at x = 20, laid out by usvg as `xml:space="default"` says: line breaks
// dropped, tabs made spaces, spaces (U+0020 only) at either end trimmed and runs of them collapsed.
const MEASURED_AT = 20;
const laidOut = (text) => text.replace(/[\r\n]/g, '').replace(/\t/g, ' ').replace(/^ +| +$/g, '')
  .replace(/ {2,}/g, ' ');

function isBold(weight) {
  if (weight == null) return false;
  if (weight === 'bold' || weight === 'bolder') return true;
  return Number(weight) >= 600; // the nearest face of a regular (400) and a bold (700) one, as fonts are matched
}

vega.textMetrics.width = (item, text) => {
  const size = vega.fontSize(item);
  const value = text == null ? '' : (typeof text === 'string' ? text : JSON.stringify(text));
  if (!(size > 0) || value.trim() === '') return 0;
  const bold = isBold(item.fontWeight);
  const key = `${bold ? 'b' : 'r'}${size}|${value}`;
  let width = current.widths.get(key);
  if (width === undefined) {
    const advances = bold ? current.bold : current.regular;
    // As usvg computes it, in single precision: the advances scaled and added up, and the width taken as the
    // difference of the text's right and left edges.
    const f32 = Math.fround;
    const scale = f32(size / current.upem);
    let sum = 0;
    for (const ch of laidOut(value)) {
      const advance = advances[ch];
      if (advance === undefined) throw new MissingCharacter(ch);
      sum = f32(sum + f32(advance * scale));
    }
    width = f32(f32(MEASURED_AT + sum) - MEASURED_AT);
    current.widths.set(key, width);
  }
  return item.limit > 0 ? Math.min(width, item.limit) : width;
};

const TITLE = '__trackboardTitle';
const runtimes = new Map(); // template key: its parsed runtime

function runtime(key, spec) {
  let parsed = runtimes.get(key);
  if (parsed === undefined) {
    parsed = vega.parse({
      ...spec,
      data: spec.data.map((d) => ('values' in d ? {...d, values: []} : d)),
      title: {...spec.title, text: {signal: TITLE}},
      signals: [...(spec.signals || []), {name: TITLE, value: ''}],
    });
    runtimes.set(key, parsed);
  }
  return parsed;
}

async function draw(key, params, spec) {
  const view = new vega.View(runtime(key, spec), {renderer: 'none'});
  try {
    for (const d of spec.data) if ('values' in d) view.data(d.name, d.values);
    for (const s of spec.signals || []) if (params.includes(s.name)) view.signal(s.name, s.value);
    view.signal(TITLE, spec.title.text);
    await view.runAsync();
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

const lines = readline.createInterface({input: process.stdin, crlfDelay: Infinity});
for await (const line of lines) {
  const message = JSON.parse(line);
  if (message.spec === undefined) {
    fonts.set(message.font, {upem: message.upem, regular: message.regular, bold: message.bold, widths: new Map()});
    continue;
  }
  let answer;
  try {
    current = fonts.get(message.font);
    answer = {svg: await draw(message.template, message.params, message.spec)};
  } catch (error) {
    answer = {error: error instanceof MissingCharacter ? `no advance for ${JSON.stringify(error.message)}`
      : String(error && error.stack || error)};
  }
  process.stdout.write(JSON.stringify(answer) + '\n');
}
