/** Colours of the workstation. Rising/falling follow the chosen convention: red-up in China, green-up elsewhere. */
import type { ColorConvention } from '../../../shared/ipc-contract';

export interface Palette {
  up: string;
  down: string;
  flat: string;
  line: string;
  accent: string;
  muted: string;
  grid: string;
  text: string;
  series: string[];
}

const RED = '#d9363e';
const GREEN = '#1a9850';

export function palette(convention: ColorConvention, dark = false): Palette {
  const redUp = convention === 'red-up';
  return {
    up: redUp ? RED : GREEN,
    down: redUp ? GREEN : RED,
    flat: '#8a94a6',
    line: dark ? '#c9d1e0' : '#2c3e50',
    accent: '#2f6fd6',
    muted: dark ? '#8892a6' : '#6b7585',
    grid: dark ? '#2b3242' : '#e6e9ef',
    text: dark ? '#d7dce5' : '#1f2937',
    series: ['#2f6fd6', '#e8871e', '#7b4fc9', '#13a3a8', '#c2417d', '#6b8e23'],
  };
}

/** Colour of a class index 0 down, 1 flat, 2 up. */
export function classColor(p: Palette, cls: number): string {
  return cls === 2 ? p.up : cls === 0 ? p.down : p.flat;
}

/** The default convention for a language: red-up for Chinese. */
export function defaultConvention(language: string): ColorConvention {
  return language.startsWith('zh') ? 'red-up' : 'green-up';
}
