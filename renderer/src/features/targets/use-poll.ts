/**
 * Polls a contract method while the page is open: the value, the last error, and a
 * `refresh` for "now, please" (after a check). A failed call keeps the last good value.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { MethodName, MethodOutput } from '../../../../kernel/common/contract';
import { call } from '../../api';

export function usePoll<M extends MethodName>(method: M, everyMs: number): { value: MethodOutput<M> | null; error: string | null; refresh: () => void } {
  const [value, setValue] = useState<MethodOutput<M> | null>(null);
  const [error, setError] = useState<string | null>(null);
  const alive = useRef(true);
  const refresh = useCallback(() => {
    call(method, {} as never)
      .then((v) => {
        if (!alive.current) return;
        setValue(v);
        setError(null);
      })
      .catch((e: unknown) => alive.current && setError(e instanceof Error ? e.message : String(e)));
  }, [method]);
  useEffect(() => {
    alive.current = true;
    refresh();
    const t = everyMs > 0 ? setInterval(refresh, everyMs) : undefined;
    return () => {
      alive.current = false;
      clearInterval(t);
    };
  }, [refresh, everyMs]);
  return { value, error, refresh };
}
