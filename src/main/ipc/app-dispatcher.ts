/**
 * The dispatchers of the two hosts, each built here once: Electron main serves every channel of the contract
 * (the native dialogs too); the web host serves all but the browser-local ones. The contract test builds the same
 * two, so a handler family missing here fails it.
 */
import type { AppContext } from './context';
import { createDispatcher, type Dispatcher } from './dispatch';
import { nodeHandlerGroups } from './handlers';
import { dialogHandlers } from './register-dialog';

/** Every channel: the plain-Node handler groups and Electron's dialogs. */
export function createAppDispatcher(ctx: AppContext): Dispatcher {
  return createDispatcher(...nodeHandlerGroups(ctx), dialogHandlers());
}
