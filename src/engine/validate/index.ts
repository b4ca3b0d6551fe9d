export { validateConfigState, validateValue, validateCondition, CONFIG_KEY } from './config';
export { TARGETING_LIMITS } from './targeting';
export { MAX_VALUE_BYTES } from './value';
