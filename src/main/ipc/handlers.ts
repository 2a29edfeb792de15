/** Every handler group that runs in plain Node (shared by Electron main and the web host). */
import type { AppContext } from './context';
import { createDispatcher, type Dispatcher, type PartialHandlers } from './dispatch';
import { appHandlers } from './register-app';
import { dataHandlers } from './register-data';
import { runsHandlers } from './register-runs';
import { signalHandlers } from './register-signal';
import { studyHandlers } from './register-study';
import { trainingHandlers } from './register-training';

export function nodeHandlerGroups(ctx: AppContext): PartialHandlers[] {
  return [
    appHandlers(ctx),
    dataHandlers(ctx),
    studyHandlers(ctx),
    trainingHandlers(ctx),
    runsHandlers(ctx),
    signalHandlers(ctx),
  ];
}

/** The web host's dispatcher: every channel except the browser-local dialogs (the page does those itself). */
export function createHostDispatcher(ctx: AppContext): Dispatcher {
  return createDispatcher(...nodeHandlerGroups(ctx));
}
