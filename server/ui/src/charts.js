// Time-series charts with uPlot (a small, well-kept canvas chart library; bundled, no CDN).
// One chart per figure; its data is replaced in place on every update, and the chart is
// made again only when its set of series changes.
import uPlot from 'uplot';

const COLORS = ['#2f5bea', '#16794c', '#b42318', '#a16207', '#7c3aed', '#0e7490', '#be185d', '#4d7c0f', '#9a3412', '#1e40af'];

/** Points [[t, v], …] per series → uPlot's aligned columns [xs, ys1, ys2, …] (null where a series has no point). */
export function align(seriesPoints) {
  const xs = [...new Set(seriesPoints.flatMap((pts) => pts.map((p) => p[0])))].sort((a, b) => a - b);
  const index = new Map(xs.map((x, i) => [x, i]));
  const cols = seriesPoints.map((pts) => {
    const col = new Array(xs.length).fill(null);
    for (const [t, v] of pts) col[index.get(t)] = v;
    return col;
  });
  return [xs, ...cols];
}

export class Charts {
  constructor() {
    this.charts = new Map();
  }

  draw(key, container, names, seriesPoints, unit) {
    const data = align(seriesPoints);
    const sig = names.join('\u0000');
    let c = this.charts.get(key);
    if (c && c.sig !== sig) {
      c.plot.destroy();
      c = undefined;
    }
    const width = Math.max(200, container.clientWidth || 300);
    if (!c) {
      container.replaceChildren();
      const opts = {
        width,
        height: 160,
        legend: { show: names.length > 1 || names[0] !== 'host' },
        scales: { x: { time: true }, y: { range: (_u, min, max) => [0, Math.max(unit === '%' ? 5 : 1, max * 1.1)] } },
        axes: [{ stroke: '#6b7280', grid: { stroke: '#eef0f3' } }, { stroke: '#6b7280', grid: { stroke: '#eef0f3' }, size: 50 }],
        series: [{}, ...names.map((n, i) => ({ label: n, stroke: COLORS[i % COLORS.length], width: 1.5, spanGaps: true, value: (_u, v) => (v === null || v === undefined ? '–' : `${v} ${unit}`) }))],
      };
      const plot = new uPlot(opts, data, container);
      c = { plot, sig, container };
      this.charts.set(key, c);
    } else c.plot.setData(data);
    container.dataset.points = String(data[0].length);
  }

  resize() {
    for (const c of this.charts.values()) {
      const w = c.container.clientWidth;
      if (w > 0) c.plot.setSize({ width: w, height: 160 });
    }
  }
}
