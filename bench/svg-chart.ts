import type { BarChart } from './suite.js';

const WIDTH = 720;
const LABEL_WIDTH = 300;
const VALUE_WIDTH = 110;
const ROW = 26;
const BAR = 18;
const TOP = 36;
const BOTTOM = 12;
const COLORS = ['#3b6ea8', '#d08c2c', '#4f9a5b', '#a8463b', '#7d5ba6', '#5e8d99'];

/**
 * A horizontal bar chart as a standalone SVG document: one bar per entry, lengths proportional to
 * the values on a scale starting at 0, the value written after each bar. A bar whose value is null
 * is left empty and marked n/a. No dependencies, so the report builds anywhere.
 */
export function barChartSvg(chart: BarChart): string {
  const values = chart.bars.map((bar) => bar.value);
  const max = Math.max(0, ...values.filter((v): v is number => v !== null && Number.isFinite(v)));
  const span = WIDTH - LABEL_WIDTH - VALUE_WIDTH;
  const height = TOP + chart.bars.length * ROW + BOTTOM;
  const lines: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="${WIDTH}" height="${height}" fill="#ffffff"/>`,
    `<text x="10" y="22" font-size="14" font-weight="bold">${escapeXml(chart.title)}</text>`,
  ];
  chart.bars.forEach((bar, i) => {
    const y = TOP + i * ROW;
    const middle = y + BAR / 2 + 4;
    lines.push(
      `<text x="${LABEL_WIDTH - 8}" y="${middle}" text-anchor="end">${escapeXml(bar.label)}</text>`,
    );
    if (bar.value === null || !Number.isFinite(bar.value)) {
      lines.push(`<text x="${LABEL_WIDTH + 4}" y="${middle}" fill="#888888">n/a</text>`);
      return;
    }
    const length = max > 0 ? (Math.max(0, bar.value) / max) * span : 0;
    lines.push(
      `<rect x="${LABEL_WIDTH}" y="${y}" width="${length.toFixed(1)}" height="${BAR}" fill="${COLORS[i % COLORS.length]}"/>`,
      `<text x="${(LABEL_WIDTH + length + 6).toFixed(1)}" y="${middle}">${escapeXml(formatValue(bar.value))} ${escapeXml(chart.unit)}</text>`,
    );
  });
  lines.push('</svg>', '');
  return lines.join('\n');
}

export function formatValue(value: number): string {
  if (Math.abs(value) >= 1000) return Math.round(value).toLocaleString('en-US');
  return String(Number(value.toPrecision(3)));
}

export function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
