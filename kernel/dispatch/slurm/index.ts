export { SlurmDispatcher, type SlurmDispatcherOptions } from './slurm-dispatcher';
