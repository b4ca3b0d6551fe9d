import { Textarea } from '@mantine/core';
import { useEffect, useRef, useState } from 'react';

function pretty(value: unknown): string {
  return value === null || value === undefined ? '' : JSON.stringify(value, null, 2);
}

/**
 * JSON typed as text. A syntax error shows inline and keeps the last valid value; empty text
 * means null when `nullable`.
 */
export function JsonField({
  label,
  value,
  onChange,
  error,
  description,
  nullable = false,
  readOnly,
  minRows = 3,
  onSyntaxError,
}: {
  label: string;
  value: unknown;
  onChange(value: unknown): void;
  error?: string;
  description?: string;
  nullable?: boolean;
  readOnly?: boolean;
  minRows?: number;
  /** Told the syntax error of the text as typed, or null once it parses again. */
  onSyntaxError?(message: string | null): void;
}) {
  const [text, setText] = useState(() => pretty(value));
  const [syntaxError, setSyntaxError] = useState<string | null>(null);
  const lastSent = useRef<unknown>(value);
  const showSyntaxError = (message: string | null) => {
    setSyntaxError(message);
    onSyntaxError?.(message);
  };
  // A value changed from outside (a restored draft, a reapply) replaces the text.
  useEffect(() => {
    if (JSON.stringify(value) !== JSON.stringify(lastSent.current)) {
      lastSent.current = value;
      setText(pretty(value));
      showSyntaxError(null);
    }
  }, [value]);
  return (
    <Textarea
      label={label}
      description={description}
      value={text}
      readOnly={readOnly}
      autosize
      minRows={minRows}
      maxRows={16}
      spellCheck={false}
      styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
      error={syntaxError ? `Not valid JSON: ${syntaxError}` : error}
      onChange={(event) => {
        const next = event.currentTarget.value;
        setText(next);
        if (nullable && next.trim() === '') {
          showSyntaxError(null);
          lastSent.current = null;
          onChange(null);
          return;
        }
        try {
          const parsed: unknown = JSON.parse(next);
          showSyntaxError(null);
          lastSent.current = parsed;
          onChange(parsed);
        } catch (e) {
          showSyntaxError((e as Error).message);
        }
      }}
    />
  );
}
