import { MultiSelect } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useState } from 'react';
import { useQuery } from 'urql';
import { ConfigsQuery } from '../../api/operations';

/** Config keys to break down, searched on the server as typed (at most 10 picked). */
export function KeyPicker({
  environment,
  value,
  onChange,
}: {
  environment: string;
  value: string[];
  onChange(keys: string[]): void;
}) {
  const [search, setSearch] = useState('');
  const [debounced] = useDebouncedValue(search, 250);
  const [{ data }] = useQuery({
    query: ConfigsQuery,
    variables: {
      environment,
      first: 50,
      filter: debounced.trim() ? { search: debounced.trim() } : undefined,
    },
  });
  const found = data?.configs.edges.map((e) => e.node.key) ?? [];
  return (
    <MultiSelect
      label="Configs to break down"
      placeholder={value.length ? undefined : 'Whole environment'}
      searchable
      clearable
      maxValues={10}
      searchValue={search}
      onSearchChange={setSearch}
      data={[...new Set([...value, ...found])]}
      value={value}
      onChange={onChange}
      nothingFoundMessage="No config matches"
      miw={260}
      style={{ flex: 1 }}
    />
  );
}
