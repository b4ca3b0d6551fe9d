import { CONFIG_DEFAULTS } from '../../src/engine/config-state';
import { CompiledConfig, compileConfig } from '../../src/engine/evaluation/compile-config';

/**
 * A string config compiled with a running consistent experiment (variants a, control, and b,
 * half each, all the traffic): what a snapshot compiles for a config whose experiment runs.
 */
export function compiledExperimentConfig(
  experimentId: string,
  experimentKey: string,
): CompiledConfig {
  return compileConfig({
    key: 'checkout',
    version: 1,
    state: {
      ...CONFIG_DEFAULTS,
      key: 'checkout',
      valueType: 'string',
      value: 'x',
      defaultValue: 'x',
    },
    experiment: {
      id: experimentId,
      key: experimentKey,
      assignment: 'consistent',
      trafficPercentage: 100,
      variants: [
        { key: 'a', name: 'A', value: 'a', weight: 50, control: true },
        { key: 'b', name: 'B', value: 'b', weight: 50, control: false },
      ],
    },
  });
}
