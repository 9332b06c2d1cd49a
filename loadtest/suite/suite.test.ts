import { describe, expect, it } from 'vitest';
import { cdfPoints, overTime, percentile, summarize } from './stats.js';
import { barChart, lineChart, niceStep } from './svg-chart.js';

describe('load-test statistics', () => {
  it('takes nearest-rank percentiles', () => {
    const xs = Array.from({ length: 100 }, (_, i) => 100 - i);
    expect(percentile(xs, 50)).toBe(50);
    expect(percentile(xs, 99)).toBe(99);
    expect(percentile(xs, 100)).toBe(100);
    expect(percentile([7], 99)).toBe(7);
    expect(percentile([], 50)).toBeNaN();
    expect(summarize([3, 1, 2])).toEqual({ n: 3, p50: 2, p95: 3, p99: 3, max: 3 });
  });

  it('builds a CDF and buckets samples over time', () => {
    expect(cdfPoints([30, 10, 20, 40])).toEqual([
      [10, 0.25],
      [20, 0.5],
      [30, 0.75],
      [40, 1],
    ]);
    const samples = [
      { at: 1_000, ms: 5, ok: true },
      { at: 1_400, ms: 9, ok: false },
      { at: 2_100, ms: 3, ok: true },
    ];
    expect(overTime(samples, 1_000, 1_000)).toEqual([
      { t: 0, p99: 9, failed: 1, requests: 2 },
      { t: 1, p99: 3, failed: 0, requests: 1 },
    ]);
  });
});

describe('SVG charts', () => {
  it('picks 1-2-5 tick steps', () => {
    expect(niceStep(1_000)).toBe(200);
    expect(niceStep(7)).toBe(2);
    expect(niceStep(0.9)).toBe(0.2);
    expect(niceStep(0)).toBe(1);
  });

  it('draws one path per series inside the plot area, and escapes text', () => {
    const svg = lineChart({
      title: 'a <b> & "c"',
      xLabel: 's',
      yLabel: 'ms',
      series: [
        {
          name: 'create',
          points: [
            [0, 0],
            [10, 100],
          ],
        },
        { name: 'rm', points: [[5, 50]] },
      ],
    });
    expect(svg).toContain('a &lt;b&gt; &amp; &quot;c&quot;');
    expect(svg.match(/<path /g)).toHaveLength(2);
    const coords = [...svg.matchAll(/[ML]([\d.]+),([\d.]+)/g)].map((m) => [Number(m[1]), Number(m[2])]);
    for (const [x, y] of coords) {
      expect(x).toBeGreaterThanOrEqual(64);
      expect(x).toBeLessThanOrEqual(720 - 200);
      expect(y).toBeGreaterThanOrEqual(36);
      expect(y).toBeLessThanOrEqual(360 - 48);
    }
    // The highest point of the taller series touches the top of the plot (the axis ends at a round 100).
    expect(coords).toContainEqual([520, 36]);
  });

  it('draws bars in proportion to their values', () => {
    const svg = barChart({
      title: 't',
      yLabel: 'n',
      bars: [
        { label: 'x', value: 50 },
        { label: 'y', value: 100 },
      ],
    });
    const heights = [
      ...svg.matchAll(/<rect x="[\d.]+" y="[\d.]+" width="[\d.]+" height="([\d.]+)" fill="#1f77b4"/g),
    ].map((m) => Number(m[1]));
    expect(heights).toHaveLength(2);
    expect((heights[1] as number) / (heights[0] as number)).toBeCloseTo(2, 5);
  });

  it('gives all-zero data a 0–1 axis', () => {
    const svg = barChart({ title: 't', yLabel: 'n', bars: [{ label: 'F1', value: 0 }] });
    const ticks = [...svg.matchAll(/text-anchor="end">([^<]*)</g)].map((m) => m[1]);
    expect(ticks).toEqual(['0', '0.2', '0.4', '0.6', '0.8', '1']);
  });
});
