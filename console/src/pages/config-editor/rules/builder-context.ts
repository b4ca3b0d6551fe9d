import { createContext, useContext } from 'react';

/** What every part of the rule builder reads: errors by API path, suggestions, read-only. */
export interface BuilderSettings {
  errorAt(path: string): string | undefined;
  suggestions: string[];
  readOnly: boolean;
}

export const BuilderContext = createContext<BuilderSettings>({
  errorAt: () => undefined,
  suggestions: [],
  readOnly: false,
});

export const useBuilder = () => useContext(BuilderContext);
