import { Group, Image, NumberInput, Switch, TextInput } from '@mantine/core';
import type { ConfigValueType } from '../api/gql/graphql';
import { JsonField } from './json-field';

/** One config value, with the input that fits its type. */
export function ValueInput({
  label,
  valueType,
  value,
  onChange,
  error,
  readOnly,
}: {
  label: string;
  valueType: ConfigValueType;
  value: unknown;
  onChange(value: unknown): void;
  error?: string;
  readOnly?: boolean;
}) {
  switch (valueType) {
    case 'BOOLEAN':
      return (
        <Switch
          label={label}
          checked={value === true}
          disabled={readOnly}
          error={error}
          onChange={(e) => onChange(e.currentTarget.checked)}
        />
      );
    case 'INTEGER':
      return (
        <NumberInput
          label={label}
          value={typeof value === 'number' ? value : ''}
          allowDecimal={false}
          readOnly={readOnly}
          error={error}
          onChange={(v) => onChange(typeof v === 'number' ? v : v === '' ? null : Number(v))}
        />
      );
    case 'DECIMAL':
      return (
        <TextInput
          label={label}
          description="Exact decimal, e.g. 19.99"
          inputMode="decimal"
          value={typeof value === 'string' ? value : value == null ? '' : String(value)}
          readOnly={readOnly}
          error={error}
          onChange={(e) => onChange(e.currentTarget.value)}
        />
      );
    case 'JSON':
      return (
        <JsonField
          label={label}
          value={value}
          onChange={onChange}
          error={error}
          readOnly={readOnly}
        />
      );
    case 'IMAGE':
      return (
        <Group align="flex-end" wrap="nowrap">
          <TextInput
            label={label}
            description="https or data:image URL"
            type="url"
            style={{ flex: 1 }}
            value={typeof value === 'string' ? value : ''}
            readOnly={readOnly}
            error={error}
            onChange={(e) => onChange(e.currentTarget.value)}
          />
          {typeof value === 'string' && /^(https:|data:image\/)/.test(value) && (
            <Image src={value} alt={`${label} preview`} h={56} w={56} fit="contain" radius="sm" />
          )}
        </Group>
      );
    default:
      return (
        <TextInput
          label={label}
          value={typeof value === 'string' ? value : ''}
          readOnly={readOnly}
          error={error}
          onChange={(e) => onChange(e.currentTarget.value)}
        />
      );
  }
}
