/** `sgr serve`: the workbench UI for a browser, token-protected, loopback unless --allow-remote. */
import { startServer, isLoopback } from '../../serve/server';
import { CliError, EXIT } from '../exit-codes';
import { withKernel, type GlobalOptions } from '../context';

export interface ServeCliOptions extends GlobalOptions {
  host?: string;
  port?: string;
  openToken?: string;
  allowRemote?: boolean;
}

export async function serveCommand(opts: ServeCliOptions): Promise<number> {
  const host = opts.host ?? '127.0.0.1';
  const port = Number(opts.port ?? 0);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new CliError(`--port must be 0..65535 (got "${opts.port}")`, EXIT.USAGE);
  if (!isLoopback(host) && !opts.allowRemote) {
    throw new CliError(`--host ${host} is not a loopback address; the UI would be reachable from the network. Add --allow-remote if you mean it`, EXIT.USAGE);
  }
  if (opts.openToken !== undefined && opts.openToken.length < 16) throw new CliError('--open-token must be at least 16 characters', EXIT.USAGE);
  return withKernel(opts, async (kernel) => {
    const server = await startServer(kernel, { host, port, ...(opts.openToken ? { token: opts.openToken } : {}) });
    process.stdout.write(`sgr serve: ${server.url}\n`);
    if (!isLoopback(host)) process.stderr.write(`sgr serve: WARNING: listening on ${host}, reachable from the network; anyone with the token can read your runs\n`);
    await new Promise<void>((resolve) => {
      const stop = () => resolve();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
    await server.close();
    return EXIT.OK;
  });
}
