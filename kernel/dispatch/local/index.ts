/** The local dispatcher: jobs as processes of this machine (see local-dispatcher.ts). */
export { LocalDispatcher, type LocalDispatcherOptions } from './local-dispatcher';
