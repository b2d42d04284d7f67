import { useState } from 'react';
import { shortDigest } from '../lib/format';

function CopyIcon() {
  return (
    <svg width="11" height="11" viewBox="0 0 16 16" aria-hidden="true" fill="none" stroke="currentColor" strokeWidth="1.5">
      <rect x="5" y="5" width="9" height="9" rx="1.5" />
      <path d="M11 5V3.5A1.5 1.5 0 0 0 9.5 2h-6A1.5 1.5 0 0 0 2 3.5v6A1.5 1.5 0 0 0 3.5 11H5" />
    </svg>
  );
}

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
      <span className="copy-hint">{copied ? '✓' : <CopyIcon />}</span>
    </button>
  );
}
