import { ConfigState } from '../../engine/config-state';
import { BusinessConfig } from './business-config.entity';

/** The engine's view of a stored config: what is validated, snapshotted and evaluated. */
export function toConfigState(config: BusinessConfig): ConfigState {
  return {
    key: config.key,
    description: config.description,
    valueType: config.valueType,
    value: config.value,
    defaultValue: config.defaultValue,
    targetingRules: config.targetingRules,
    rolloutPercentage: config.rolloutPercentage,
    stickiness: config.stickiness,
    minValue: config.minValue,
    maxValue: config.maxValue,
    minLength: config.minLength,
    maxLength: config.maxLength,
    pattern: config.pattern,
    allowedValues: config.allowedValues,
    validationSchema: config.validationSchema,
    deploymentStrategy: config.deploymentStrategy,
    deploymentConfig: config.deploymentConfig,
    archived: config.archivedAt !== null,
  };
}

/** The columns a state writes (everything but identity, version and timestamps). */
export function stateColumns(state: ConfigState): Partial<BusinessConfig> {
  const { archived, ...rest } = state;
  return { ...rest, archivedAt: archived ? new Date() : null };
}
