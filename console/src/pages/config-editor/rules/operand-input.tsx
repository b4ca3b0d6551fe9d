import { Group, NumberInput, Select, TagsInput, TextInput } from '@mantine/core';
import { DateTimePicker } from '@mantine/dates';
import { useBuilder } from './builder-context';
import { ErrorText } from './error-text';
import {
  isoToPicker,
  pickerToIso,
  typedOperand,
  valueShape,
  type AttributeType,
  type Operator,
} from './operators';
import { leafOperands } from './rule-tree';

function asNumber(value: unknown): number | string {
  if (typeof value === 'number') return value;
  const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
  return Number.isFinite(number) ? number : '';
}

const fromNumberInput = (value: number | string) => (typeof value === 'number' ? value : null);

/** The operands of one condition, with the input its operator and type call for. */
export function OperandInput({
  path,
  fields,
  type,
  onChange,
}: {
  /** The condition's API path, for its errors. */
  path: string;
  fields: Record<string, unknown>;
  type: AttributeType;
  onChange(changes: Record<string, unknown>): void;
}) {
  const { errorAt, readOnly } = useBuilder();
  const operator = fields.operator as Operator;
  const shape = valueShape(operator, type, fields.values !== undefined);
  const operands = leafOperands(fields);
  const valueError = errorAt(`${path}.value`);
  const width = 200;
  switch (shape) {
    case 'none':
      return null;
    case 'list':
      return (
        <TagsInput
          label="Values"
          description="Enter after each"
          w={260}
          value={operands.map(String)}
          readOnly={readOnly}
          error={errorAt(`${path}.values`)}
          onChange={(tags) => onChange({ values: tags.map((t) => typedOperand(type, t)) })}
        />
      );
    case 'pair':
      return (
        <div>
          <Group gap="xs" align="flex-start" wrap="nowrap">
            {(['From', 'To'] as const).map((bound, i) => (
              <NumberInput
                key={bound}
                label={bound}
                w={110}
                value={asNumber(operands[i])}
                readOnly={readOnly}
                error={errorAt(`${path}.values[${i}]`)}
                onChange={(v) => {
                  const values = [operands[0] ?? null, operands[1] ?? null];
                  values[i] = fromNumberInput(v);
                  onChange({ values });
                }}
              />
            ))}
          </Group>
          <ErrorText message={errorAt(`${path}.values`)} />
        </div>
      );
    case 'number':
      return (
        <NumberInput
          label="Value"
          w={width}
          value={asNumber(fields.value)}
          readOnly={readOnly}
          error={valueError}
          onChange={(v) => onChange({ value: fromNumberInput(v) })}
        />
      );
    case 'boolean':
      return (
        <Select
          label="Value"
          w={width}
          data={['true', 'false']}
          allowDeselect={false}
          value={typeof fields.value === 'boolean' ? String(fields.value) : null}
          readOnly={readOnly}
          error={valueError}
          onChange={(v) => onChange({ value: v === 'true' })}
        />
      );
    case 'date':
      return (
        <DateTimePicker
          label="Date and time (UTC)"
          w={width}
          clearable
          valueFormat="YYYY-MM-DD HH:mm"
          value={isoToPicker(fields.value)}
          readOnly={readOnly}
          error={valueError}
          onChange={(v) => onChange({ value: pickerToIso(v) })}
        />
      );
    default:
      return (
        <TextInput
          label="Value"
          w={width}
          description={
            operator === 'matches' ? 'RE2 pattern' : type === 'semver' ? 'e.g. 1.2.3' : undefined
          }
          value={fields.value == null ? '' : String(fields.value)}
          readOnly={readOnly}
          error={valueError}
          onChange={(e) => onChange({ value: e.currentTarget.value })}
        />
      );
  }
}
