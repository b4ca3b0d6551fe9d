import { Select } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useState } from 'react';
import { useQuery } from 'urql';
import { ConfigsQuery } from '../api/operations';

/**
 * Picks one of the environment's configs (not archived), searching the server as you type.
 * Without `required` it can be cleared (value '').
 */
export function ConfigPicker({
  env,
  value,
  label,
  description,
  placeholder = 'Search configs',
  required = false,
  error,
  disabled = false,
  onChange,
}: {
  env: string;
  value: string;
  label: string;
  description: string;
  placeholder?: string;
  required?: boolean;
  error?: string;
  disabled?: boolean;
  onChange(key: string): void;
}) {
  const [search, setSearch] = useState(value);
  const [debounced] = useDebouncedValue(search, 250);
  const [{ data }] = useQuery({
    query: ConfigsQuery,
    variables: {
      environment: env,
      first: 50,
      filter: debounced.trim() && debounced !== value ? { search: debounced.trim() } : undefined,
    },
    pause: disabled,
  });
  const found = data?.configs.edges.filter((e) => !e.node.archivedAt).map((e) => e.node.key) ?? [];
  return (
    <Select
      label={label}
      description={description}
      placeholder={placeholder}
      searchable
      required={required}
      clearable={!required}
      disabled={disabled}
      searchValue={search}
      onSearchChange={setSearch}
      data={[...new Set([...(value ? [value] : []), ...found])]}
      value={value || null}
      onChange={(next) => (next ? onChange(next) : !required && onChange(''))}
      nothingFoundMessage="No config matches"
      error={error}
    />
  );
}
