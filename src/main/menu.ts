/** The application menu: standard edit/view/window roles plus navigation to the workstation's views. */
import { Menu, shell, type MenuItemConstructorOptions } from 'electron';

export function buildMenu(opts: { openDataDir: () => void; openRunsDir: () => void }): Menu {
  const isMac = process.platform === 'darwin';
  const template: MenuItemConstructorOptions[] = [
    ...(isMac ? [{ role: 'appMenu' as const }] : []),
    {
      label: 'File',
      submenu: [
        { label: 'Open Data Folder', click: opts.openDataDir },
        { label: 'Open Runs Folder', click: opts.openRunsDir },
        { type: 'separator' },
        isMac ? { role: 'close' } : { role: 'quit' },
      ],
    },
    { role: 'editMenu' },
    { role: 'viewMenu' },
    { role: 'windowMenu' },
    {
      role: 'help',
      submenu: [{ label: 'Project README', click: () => void shell.openExternal('https://github.com/') }],
    },
  ];
  return Menu.buildFromTemplate(template);
}
