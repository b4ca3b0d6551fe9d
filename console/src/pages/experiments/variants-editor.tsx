import {
  ActionIcon,
  Button,
  Card,
  Group,
  NumberInput,
  Radio,
  Stack,
  Text,
  TextInput,
} from '@mantine/core';
import type { ConfigValueType } from '../../api/gql/graphql';
import { ValueInput } from '../../components/value-input';
import { ErrorText } from '../config-editor/rules/error-text';
import type { VariantDraft } from './experiment-draft';
import { setWeight, splitEvenly, sumMessage, weightProblem } from './weights';

const MAX_VARIANTS = 10;
const MIN_VARIANTS = 2;

/**
 * The variants: key, name, the config's typed value, weight (the sum kept at 100 by taking
 * edits from the last variant), and which one is the control.
 */
export function VariantsEditor({
  variants,
  valueType,
  defaultValue,
  errors,
  listError,
  onChange,
}: {
  variants: VariantDraft[];
  valueType: ConfigValueType | null;
  /** A new variant's value: the config's current one. */
  defaultValue: unknown;
  errors: Record<number, Record<string, string>>;
  listError?: string;
  onChange(variants: VariantDraft[]): void;
}) {
  const weights = variants.map((v) => v.weight);
  const sum = sumMessage(weights);
  const withWeights = (next: VariantDraft[], w: number[]) =>
    next.map((v, i) => ({ ...v, weight: w[i] }));
  const edit = (i: number, change: Partial<VariantDraft>) =>
    onChange(variants.map((v, j) => (j === i ? { ...v, ...change } : v)));
  const add = () => {
    const next = [
      ...variants,
      {
        key: `variant-${variants.length}`,
        name: '',
        value: defaultValue,
        weight: 0,
        control: false,
      },
    ];
    onChange(withWeights(next, splitEvenly(next.length)));
  };
  const remove = (i: number) => {
    const next = variants.filter((_, j) => j !== i);
    if (variants[i].control && next.length) next[0] = { ...next[0], control: true };
    onChange(withWeights(next, splitEvenly(next.length)));
  };
  const controlIndex = variants.findIndex((v) => v.control);
  return (
    <Stack gap="xs">
      <Radio.Group
        label="Variants"
        description="2 to 10. The control is the baseline the others are compared with."
        value={controlIndex >= 0 ? String(controlIndex) : null}
        onChange={(value) =>
          onChange(variants.map((v, j) => ({ ...v, control: String(j) === value })))
        }
      >
        <Stack gap="xs" mt="xs">
          {variants.map((variant, i) => {
            const label = variant.key || `variant ${i + 1}`;
            const err = errors[i] ?? {};
            return (
              <Card
                key={i}
                withBorder
                padding="sm"
                aria-label={`Variant ${label}`}
                component="section"
              >
                <Group align="flex-start" gap="xs" wrap="wrap">
                  <TextInput
                    label={`Variant ${i + 1} key`}
                    value={variant.key}
                    error={err.key}
                    w={160}
                    onChange={(e) => edit(i, { key: e.currentTarget.value })}
                  />
                  <TextInput
                    label={`Variant ${i + 1} name`}
                    description="Defaults to the key"
                    value={variant.name}
                    error={err.name}
                    w={180}
                    onChange={(e) => edit(i, { name: e.currentTarget.value })}
                  />
                  <NumberInput
                    label={`Weight of ${label} (%)`}
                    value={variant.weight}
                    min={0}
                    max={100}
                    decimalScale={2}
                    step={1}
                    w={170}
                    error={err.weight ?? weightProblem(variant.weight)}
                    onChange={(v) =>
                      onChange(
                        withWeights(variants, setWeight(weights, i, typeof v === 'number' ? v : 0)),
                      )
                    }
                  />
                  <Radio value={String(i)} label={`${label} is the control`} mt={30} />
                </Group>
                {valueType ? (
                  <ValueInput
                    label={`Value of ${label}`}
                    valueType={valueType}
                    value={variant.value}
                    error={err.value}
                    onChange={(value) => edit(i, { value })}
                  />
                ) : (
                  <Text size="sm" c="dimmed">
                    Pick a config to set the value.
                  </Text>
                )}
                <ErrorText message={err['']} />
                {variants.length > MIN_VARIANTS && (
                  <Group justify="flex-end">
                    <ActionIcon
                      variant="subtle"
                      color="red"
                      aria-label={`Remove variant ${label}`}
                      onClick={() => remove(i)}
                    >
                      <span aria-hidden="true">✕</span>
                    </ActionIcon>
                  </Group>
                )}
              </Card>
            );
          })}
        </Stack>
      </Radio.Group>
      <Group gap="xs">
        <Text size="sm" c={sum.ok ? undefined : 'red'} role={sum.ok ? 'status' : 'alert'} fw={500}>
          {sum.text}
        </Text>
        <Button
          size="xs"
          variant="default"
          onClick={() => onChange(withWeights(variants, splitEvenly(variants.length)))}
        >
          Split evenly
        </Button>
        <Button size="xs" variant="light" disabled={variants.length >= MAX_VARIANTS} onClick={add}>
          Add variant
        </Button>
      </Group>
      <ErrorText message={listError} />
    </Stack>
  );
}
