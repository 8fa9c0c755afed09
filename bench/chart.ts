// A hand-written SVG line chart (no plotting dependency): one panel per series, sharing the time axis.

export interface Series {
  label: string;
  unit: string;
  color: string;
  points: readonly { x: number; y: number }[];
}

const WIDTH = 900;
const PANEL = 220;
const MARGIN = { left: 70, right: 20, top: 30, bottom: 40 };

function xmlEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function panel(series: Series, top: number, xMax: number, markX: number | undefined): string {
  const ys = series.points.map((p) => p.y).filter(Number.isFinite);
  const yMax = Math.max(1e-9, ...ys) * 1.1;
  const plotW = WIDTH - MARGIN.left - MARGIN.right;
  const plotH = PANEL - MARGIN.top - MARGIN.bottom;
  const sx = (x: number) => MARGIN.left + (x / Math.max(xMax, 1e-9)) * plotW;
  const sy = (y: number) => top + MARGIN.top + plotH - (y / yMax) * plotH;
  const path = series.points
    .filter((p) => Number.isFinite(p.y))
    .map((p, i) => `${i === 0 ? 'M' : 'L'}${sx(p.x).toFixed(1)},${sy(p.y).toFixed(1)}`)
    .join(' ');
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => {
    const y = sy(yMax * f);
    return `<line x1="${MARGIN.left}" x2="${WIDTH - MARGIN.right}" y1="${y}" y2="${y}" stroke="#ddd"/><text x="${MARGIN.left - 6}" y="${y + 4}" text-anchor="end" font-size="11">${(yMax * f).toFixed(yMax < 10 ? 1 : 0)}</text>`;
  });
  const xTicks = [0, 0.25, 0.5, 0.75, 1].map((f) => {
    const x = sx(xMax * f);
    return `<text x="${x}" y="${top + PANEL - 18}" text-anchor="middle" font-size="11">${Math.round(xMax * f)} s</text>`;
  });
  const mark =
    markX === undefined
      ? ''
      : `<line x1="${sx(markX)}" x2="${sx(markX)}" y1="${top + MARGIN.top}" y2="${top + MARGIN.top + plotH}" stroke="#999" stroke-dasharray="4 3"/><text x="${sx(markX) + 4}" y="${top + MARGIN.top + 12}" font-size="11" fill="#666">end of warm-up</text>`;
  return [
    `<text x="${MARGIN.left}" y="${top + 18}" font-size="13" font-weight="bold">${xmlEscape(series.label)} (${xmlEscape(series.unit)})</text>`,
    ...ticks,
    ...xTicks,
    mark,
    `<path d="${path}" fill="none" stroke="${series.color}" stroke-width="2"/>`,
  ].join('\n');
}

export function lineChartSvg(title: string, series: readonly Series[], markX?: number): string {
  const xMax = Math.max(0, ...series.flatMap((s) => s.points.map((p) => p.x)));
  const height = series.length * PANEL + 30;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" font-family="sans-serif">`,
    `<title>${xmlEscape(title)}</title>`,
    '<rect width="100%" height="100%" fill="white"/>',
    `<text x="${WIDTH / 2}" y="20" text-anchor="middle" font-size="15">${xmlEscape(title)}</text>`,
    ...series.map((s, i) => panel(s, 30 + i * PANEL, xMax, markX)),
    '</svg>',
    '',
  ].join('\n');
}
