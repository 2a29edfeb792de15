/**
 * Electron main: app lifecycle, one window, settings, the IPC dispatcher and the training job service whose
 * workers run as utility processes. Closing the window during a run asks whether to keep training.
 */
import { app, BrowserWindow, dialog, Menu, session, shell, utilityProcess } from 'electron';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AppContext } from './ipc/context';
import { createAppDispatcher } from './ipc/app-dispatcher';
import { broadcast, registerElectronIpc } from './ipc/register-electron';
import { buildMenu } from './menu';
import { workerCompute, type ComputeHandle } from './services/compute';
import { appJobService, type WorkerHandle } from './services/jobs';
import { userDataDir } from './services/settings-file';
import { electronSettings } from './services/settings-store';
import { cleanInterruptedWrites } from './services/startup';
import { createMainWindow } from './windows';
import type { FromCompute } from './worker/compute-protocol';
import type { FromWorker } from './worker/protocol';

const here = path.dirname(fileURLToPath(import.meta.url));

// settings live where the CLI and the web host look for them, whatever the packaged product name is
app.setPath('userData', userDataDir());

function spawnUtilityWorker(): WorkerHandle {
  const child = utilityProcess.fork(path.join(here, 'train-worker.js'), [], {
    serviceName: 'factor-inception training',
    stdio: 'inherit',
  });
  return {
    send: (msg) => child.postMessage(msg),
    onMessage: (cb) => child.on('message', (m) => cb(m as FromWorker)),
    onExit: (cb) => child.once('exit', (code) => cb(code)),
    kill: () => void child.kill(),
  };
}

function spawnUtilityCompute(): ComputeHandle {
  const child = utilityProcess.fork(path.join(here, 'compute-worker.js'), [], {
    serviceName: 'factor-inception compute',
    stdio: 'inherit',
  });
  return {
    send: (msg) => child.postMessage(msg),
    onMessage: (cb) => child.on('message', (m) => cb(m as FromCompute)),
    onExit: (cb) => child.once('exit', (code) => cb(code)),
    kill: () => void child.kill(),
  };
}

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  let win: BrowserWindow | undefined;
  let quitting = false;

  app.on('second-instance', () => {
    if (!win || win.isDestroyed()) win = createMainWindow();
    if (win.isMinimized()) win.restore();
    win.show();
    win.focus();
  });

  void app.whenReady().then(() => {
    // the workstation needs no camera, microphone, notifications or geolocation
    session.defaultSession.setPermissionRequestHandler((_wc, _perm, cb) => cb(false));
    // the settings reader checks the file and the folders (creating only the default ones)
    const settings = electronSettings();
    cleanInterruptedWrites(settings);
    const jobs = appJobService(spawnUtilityWorker, settings, broadcast);
    const compute = workerCompute(spawnUtilityCompute);
    app.on('will-quit', () => compute.close());
    const ctx: AppContext = {
      host: 'electron',
      version: app.getVersion(),
      settings,
      jobs,
      compute,
      emit: broadcast,
      openReport: async (file) => {
        const err = await shell.openPath(file);
        if (err) throw new Error(`Could not open ${file}: ${err}`);
        return { opened: true };
      },
    };
    registerElectronIpc(createAppDispatcher(ctx), process.env.ELECTRON_RENDERER_URL);
    Menu.setApplicationMenu(
      buildMenu({
        openDataDir: () => void shell.openPath(settings.get().dataDir),
        openRunsDir: () => void shell.openPath(settings.get().runsDir),
      }),
    );
    win = createMainWindow();

    const guardClose = (w: BrowserWindow) =>
      w.on('close', (e) => {
        if (quitting || !jobs.busy()) return;
        const choice = dialog.showMessageBoxSync(w, {
          type: 'question',
          buttons: ['Keep training in the background', 'Cancel training and quit', 'Stay'],
          defaultId: 0,
          cancelId: 2,
          title: 'Training is running',
          message: 'A training run is still in progress.',
          detail:
            'Keep it running in the background (overnight) — the window closes and the app stays open — or cancel it. Checkpoints are written every epoch, so a cancelled run can be resumed.',
        });
        if (choice === 2) return e.preventDefault();
        if (choice === 1) {
          jobs.cancelAll();
          quitting = true;
        }
      });
    guardClose(win);

    app.on('activate', () => {
      if (BrowserWindow.getAllWindows().length === 0) {
        win = createMainWindow();
        guardClose(win);
      }
    });
    app.on('window-all-closed', () => {
      // with jobs still running the app stays alive in the background; it quits once they finish
      if (jobs.busy()) {
        const timer = setInterval(() => {
          if (!jobs.busy() && BrowserWindow.getAllWindows().length === 0) {
            clearInterval(timer);
            app.quit();
          }
        }, 5000);
        return;
      }
      if (process.platform !== 'darwin' || quitting) app.quit();
    });
  });

  app.on('web-contents-created', (_e, contents) => {
    contents.on('will-attach-webview', (e) => e.preventDefault());
  });
}
