/** The Docker dispatcher (D3): a sandboxed container per job. */
export { DockerDispatcher, type DockerDispatcherOptions } from './docker-dispatcher';
