import type { CodegenConfig } from '@graphql-codegen/cli';

// Operation types come from the server's committed schema; `npm run codegen:check` fails when
// the checked-in output no longer matches the schema or the operations.
const config: CodegenConfig = {
  schema: '../schema.gql',
  documents: ['src/**/*.{ts,tsx}', '!src/api/gql/**'],
  ignoreNoDocuments: false,
  generates: {
    'src/api/gql/': {
      preset: 'client',
      presetConfig: { fragmentMasking: false },
      config: {
        enumsAsTypes: true,
        useTypeImports: true,
        scalars: { DateTime: 'string', JSON: 'unknown' },
      },
    },
  },
};

export default config;
