import { applyDecorators } from '@nestjs/common';
import { Field } from '@nestjs/graphql';
import { IsString, MaxLength } from 'class-validator';

/** The longest environment key an argument may name (as environments are created). */
export const MAX_ENVIRONMENT_KEY = 63;
/** The longest config key an argument may name (as configs are created). */
export const MAX_CONFIG_KEY = 128;

/** A GraphQL field naming an environment by key, held to the length keys have. */
export const EnvironmentKeyField = () =>
  applyDecorators(Field(), IsString(), MaxLength(MAX_ENVIRONMENT_KEY));

/** A GraphQL field naming a config by key, held to the length keys have. */
export const ConfigKeyField = () => applyDecorators(Field(), IsString(), MaxLength(MAX_CONFIG_KEY));
