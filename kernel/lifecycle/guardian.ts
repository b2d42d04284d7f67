/**
 * The security guardian (K10), first version: refuses params that carry secrets in clear
 * text or commands that would damage the host. Runs in the validate phase.
 */
import { walkStrings } from '../common/refs';
import { StepFailure } from './failure';

const SECRET_PATTERNS: Array<[string, RegExp]> = [
  ['an AWS access key', /\bAKIA[0-9A-Z]{16}\b/],
  ['an OpenAI-style API key', /\bsk-[A-Za-z0-9_-]{20,}\b/],
  ['a GitHub token', /\bgh[pousr]_[A-Za-z0-9]{30,}\b/],
  ['a Hugging Face token', /\bhf_[A-Za-z0-9]{30,}\b/],
  ['a private key', /-----BEGIN [A-Z ]*PRIVATE KEY-----/],
];

const DANGEROUS: Array<[string, RegExp]> = [
  ['deletes the root file system', /\brm\s+(-[a-zA-Z]*\s+)*(-[a-zA-Z]*[rR][a-zA-Z]*\s+)(-[a-zA-Z]*\s+)*(\/|\/\*|~|\$HOME)(\s|$|;)/],
  ['formats a disk', /\bmkfs(\.[a-z0-9]+)?\s+\/dev\//],
  ['overwrites a block device', /\bdd\b[^\n]*\bof=\/dev\/(sd|nvme|hd|vd|xvd)/],
  ['is a fork bomb', /:\s*\(\s*\)\s*\{\s*:\s*\|\s*:\s*&\s*\}\s*;\s*:/],
];

/** Throws a `policy` StepFailure naming the field. @example checkParams('s', { command: 'ls' }) */
export function checkParams(stepId: string, params: unknown): void {
  walkStrings(params, 'params', (s, path) => {
    for (const [what, re] of SECRET_PATTERNS) {
      if (re.test(s)) {
        throw new StepFailure(
          'policy',
          `step "${stepId}" ${path} contains what looks like ${what}; secrets must not be written into experiments (pass them through the environment of the target instead)`,
        );
      }
    }
    for (const [what, re] of DANGEROUS) {
      if (re.test(s)) throw new StepFailure('policy', `step "${stepId}" ${path} ${what} — refused by the security guardian`);
    }
  });
}

/** Replaces secret-looking substrings, for logs and error messages. */
export function redact(text: string): string {
  let out = text;
  for (const [, re] of SECRET_PATTERNS) out = out.replace(new RegExp(re.source, 'g'), '[REDACTED]');
  return out;
}
