/** Opening the kernel for one CLI command, and turning kernel errors into exit codes. */
import { builtinSkills } from '../../skills';
import { KernelError, PlanInvalidError } from '../api/errors';
import { Kernel } from '../api/kernel';
import { defaultHome } from '../api/paths';
import { LeaseHeldError } from '../store/lease';
import { CliError, EXIT } from './exit-codes';

export interface GlobalOptions {
  home?: string;
}

export function openKernel(g: GlobalOptions): Kernel {
  return Kernel.open({ home: g.home ?? defaultHome(), skills: builtinSkills });
}

/** Runs `fn` with an open kernel, always closing it. */
export async function withKernel<T>(g: GlobalOptions, fn: (k: Kernel) => Promise<T>): Promise<T> {
  const kernel = openKernel(g);
  try {
    return await fn(kernel);
  } finally {
    await kernel.close();
  }
}

export function toCliError(err: unknown): CliError {
  if (err instanceof CliError) return err;
  if (err instanceof LeaseHeldError) return new CliError(err.message, EXIT.BUSY);
  if (err instanceof PlanInvalidError) return new CliError(err.message, EXIT.USAGE);
  if (err instanceof KernelError) {
    return new CliError(err.message, err.code === 'NOT_FOUND' ? EXIT.NOT_FOUND : EXIT.USAGE);
  }
  const e = err as Error;
  const detail = process.env.SGR_DEBUG ? `\n${e.stack ?? ''}` : ' (set SGR_DEBUG=1 for the stack trace)';
  return new CliError(`internal error: ${e.message}${detail}`, EXIT.INTERNAL);
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}
