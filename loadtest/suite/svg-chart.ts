/**
 * Plain SVG charts for the load-test report: no plotting library, because the suite must run offline on the
 * machine it measures and the charts are simple (lines over time, CDFs, bars). Text is escaped, so a
 * scenario name cannot break the file.
 */

export interface Series {
  name: string;
  points: readonly (readonly [number, number])[];
}

const WIDTH = 720;
const HEIGHT = 360;
const PAD = { left: 64, right: 200, top: 36, bottom: 48 };
const COLOURS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b'];

const esc = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** 1, 2 or 5 times a power of ten: about five ticks between 0 and `max`. */
export function niceStep(max: number): number {
  if (!(max > 0)) return 1;
  const raw = max / 5;
  const power = 10 ** Math.floor(Math.log10(raw));
  const unit = raw / power;
  return (unit <= 1 ? 1 : unit <= 2 ? 2 : unit <= 5 ? 5 : 10) * power;
}

const fmt = (v: number): string =>
  Math.abs(v) >= 1000 ? v.toLocaleString('en-US') : String(+v.toPrecision(3));

/** Title, axes labels, grid and ticks; no x ticks when `xMax` is undefined (bars carry their own labels). */
function frame(
  title: string,
  xLabel: string,
  yLabel: string,
  xMax: number | undefined,
  yMax: number,
): string[] {
  const w = WIDTH - PAD.left - PAD.right;
  const h = HEIGHT - PAD.top - PAD.bottom;
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="sans-serif" font-size="12">`,
    `<title>${esc(title)}</title>`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="white"/>`,
    `<text x="${WIDTH / 2}" y="20" text-anchor="middle" font-size="14">${esc(title)}</text>`,
    `<text x="${PAD.left + w / 2}" y="${HEIGHT - 10}" text-anchor="middle">${esc(xLabel)}</text>`,
    `<text transform="translate(16 ${PAD.top + h / 2}) rotate(-90)" text-anchor="middle">${esc(yLabel)}</text>`,
  ];
  const xStep = niceStep(xMax ?? 0);
  for (let x = 0; xMax !== undefined && x <= xMax + 1e-9; x += xStep) {
    const px = PAD.left + (x / (xMax as number)) * w;
    out.push(
      `<line x1="${px}" y1="${PAD.top}" x2="${px}" y2="${PAD.top + h}" stroke="#eee"/>`,
      `<text x="${px}" y="${PAD.top + h + 16}" text-anchor="middle">${fmt(x)}</text>`,
    );
  }
  const yStep = niceStep(yMax);
  for (let y = 0; y <= yMax + 1e-9; y += yStep) {
    const py = PAD.top + h - (y / yMax) * h;
    out.push(
      `<line x1="${PAD.left}" y1="${py}" x2="${PAD.left + w}" y2="${py}" stroke="#eee"/>`,
      `<text x="${PAD.left - 6}" y="${py + 4}" text-anchor="end">${fmt(y)}</text>`,
    );
  }
  out.push(`<rect x="${PAD.left}" y="${PAD.top}" width="${w}" height="${h}" fill="none" stroke="#444"/>`);
  return out;
}

/** Lines (or steps, for CDFs) of several series on shared axes, with a legend on the right. */
export function lineChart(opts: {
  title: string;
  xLabel: string;
  yLabel: string;
  series: readonly Series[];
}): string {
  const all = opts.series.flatMap((s) => s.points);
  // Axes reach at least 1, so an all-zero series (no failures) gets a readable 0–1 scale.
  const xMax = Math.max(1, ...all.map(([x]) => x));
  const yMax = Math.max(1, ...all.map(([, y]) => y));
  const xTop = Math.ceil(xMax / niceStep(xMax)) * niceStep(xMax);
  const yTop = Math.ceil(yMax / niceStep(yMax)) * niceStep(yMax);
  const w = WIDTH - PAD.left - PAD.right;
  const h = HEIGHT - PAD.top - PAD.bottom;
  const out = frame(opts.title, opts.xLabel, opts.yLabel, xTop, yTop);
  opts.series.forEach((s, i) => {
    const colour = COLOURS[i % COLOURS.length];
    const d = s.points
      .map(
        ([x, y], k) =>
          `${k === 0 ? 'M' : 'L'}${(PAD.left + (x / xTop) * w).toFixed(1)},${(PAD.top + h - (y / yTop) * h).toFixed(1)}`,
      )
      .join(' ');
    if (d) out.push(`<path d="${d}" fill="none" stroke="${colour}" stroke-width="1.5"/>`);
    const ly = PAD.top + 12 + i * 18;
    out.push(
      `<line x1="${WIDTH - PAD.right + 12}" y1="${ly - 4}" x2="${WIDTH - PAD.right + 32}" y2="${ly - 4}" stroke="${colour}" stroke-width="2"/>`,
      `<text x="${WIDTH - PAD.right + 38}" y="${ly}">${esc(s.name)}</text>`,
    );
  });
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}

/** One bar per label, its value printed above it. */
export function barChart(opts: {
  title: string;
  yLabel: string;
  bars: readonly { label: string; value: number }[];
}): string {
  const yMax = Math.max(1, ...opts.bars.map((b) => b.value));
  const yTop = Math.ceil(yMax / niceStep(yMax)) * niceStep(yMax);
  const w = WIDTH - PAD.left - PAD.right;
  const h = HEIGHT - PAD.top - PAD.bottom;
  const out = frame(opts.title, '', opts.yLabel, undefined, yTop);
  const slot = w / Math.max(1, opts.bars.length);
  opts.bars.forEach((b, i) => {
    const bh = (b.value / yTop) * h;
    const x = PAD.left + i * slot + slot * 0.15;
    out.push(
      `<rect x="${x.toFixed(1)}" y="${(PAD.top + h - bh).toFixed(1)}" width="${(slot * 0.7).toFixed(1)}" height="${bh.toFixed(1)}" fill="${COLOURS[0]}"/>`,
      `<text x="${(x + slot * 0.35).toFixed(1)}" y="${(PAD.top + h - bh - 4).toFixed(1)}" text-anchor="middle">${fmt(b.value)}</text>`,
      `<text x="${(x + slot * 0.35).toFixed(1)}" y="${PAD.top + h + 16}" text-anchor="middle">${esc(b.label)}</text>`,
    );
  });
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
