import { useSearchParams } from 'react-router';

/**
 * The page's query parameters and a setter of one of them (a filter kept in the address):
 * an empty value removes it, and the history entry is replaced, not added to.
 */
export function useSearchParam(): [URLSearchParams, (name: string, value: string | null) => void] {
  const [params, setParams] = useSearchParams();
  const setParam = (name: string, value: string | null) => {
    const next = new URLSearchParams(params);
    if (value) next.set(name, value);
    else next.delete(name);
    setParams(next, { replace: true });
  };
  return [params, setParam];
}
