import { useState } from 'react';
import { shortDigest } from '../lib/format';

/** A digest shown short, copied in full on click. */
export function Digest({ value }: { value: string }) {
  const [copied, setCopied] = useState(false);
  const copy = (): void => {
    void navigator.clipboard?.writeText(value).then(() => {
      setCopied(true);
      setTimeout(() => setCopied(false), 1200);
    });
  };
  return (
    <button type="button" className="digest mono" title={`${value} — click to copy`} onClick={copy} data-testid="digest" data-digest={value}>
      {shortDigest(value)}
      <span className="copy-hint">{copied ? '✓' : '⧉'}</span>
    </button>
  );
}
