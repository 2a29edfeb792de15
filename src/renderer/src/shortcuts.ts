/**
 * Keyboard shortcuts of the workstation: Alt+1..7 open the views in the order of the side bar, Ctrl+Enter
 * (⌘↵ on a Mac) starts a training run from the current setup, Ctrl+Shift+Enter runs the study, ? lists them.
 * Alt+digit rather than Ctrl+digit: browsers keep Ctrl+digit for their tabs. No DOM types: unit-tested in Node.
 */

/** The views of the workstation, in the order of the side bar. */
export type View = 'signal' | 'data' | 'study' | 'images' | 'training' | 'results' | 'runs';

export const VIEW_ORDER: View[] = ['signal', 'data', 'study', 'images', 'training', 'results', 'runs'];

const nav = (globalThis as { navigator?: { platform?: string } }).navigator;
const mac = /Mac|iPhone|iPad/.test(nav?.platform ?? '');

/** The key combination of an action as the UI shows it. */
export function shortcutLabel(action: 'run' | 'study' | 'help' | View): string {
  if (action === 'run') return mac ? '⌘↵' : 'Ctrl+Enter';
  if (action === 'study') return mac ? '⇧⌘↵' : 'Ctrl+Shift+Enter';
  if (action === 'help') return '?';
  return `${mac ? '⌥' : 'Alt+'}${VIEW_ORDER.indexOf(action) + 1}`;
}

export type ShortcutAction = { view: View } | { start: 'train' | 'study' } | { help: true };

/** The parts of a keydown event a shortcut looks at. */
export interface KeyPress {
  key: string;
  code: string;
  altKey: boolean;
  ctrlKey: boolean;
  metaKey: boolean;
  shiftKey: boolean;
}

/** What a key press does, or undefined. Pure: `typing` is whether the focus is in a text field. */
export function shortcutOf(e: KeyPress, typing: boolean): ShortcutAction | undefined {
  const mod = e.ctrlKey || e.metaKey;
  if (e.altKey && !mod) {
    // e.code: Alt+digit types another character on some layouts (macOS ⌥1 = ¡)
    const m = /^Digit([1-9])$/.exec(e.code);
    const view = m ? VIEW_ORDER[Number(m[1]) - 1] : undefined;
    if (view) return { view };
  }
  if (mod && !e.altKey && e.key === 'Enter') return { start: e.shiftKey ? 'study' : 'train' };
  if (!typing && !mod && !e.altKey && e.key === '?') return { help: true };
  return undefined;
}
