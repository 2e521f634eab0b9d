import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/**
 * The dependency direction of design.md, enforced: each folder of src/ may not import the layers listed for
 * it (relative paths or package names). okta-api holds the wire types, the only thing the client and the
 * emulator share; the hook side (cli, handlers, client) never loads cdktf or constructs.
 */
const FORBIDDEN = {
  'src/okta-api': ['contract', 'constructs', 'client', 'handlers', 'cli', 'emulator', 'cdktf', 'cdktn'],
  'src/contract': ['constructs', 'client', 'handlers', 'cli', 'emulator', 'cdktf', 'cdktn'],
  'src/constructs': ['client', 'handlers', 'cli', 'emulator'],
  'src/client': ['contract', 'constructs', 'handlers', 'cli', 'emulator', 'cdktf', 'cdktn'],
  'src/emulator': ['contract', 'constructs', 'client', 'handlers', 'cli', 'cdktf', 'cdktn'],
  'src/handlers': ['constructs', 'cli', 'emulator', 'cdktf', 'cdktn'],
  'src/cli': ['constructs', 'cdktf', 'cdktn'],
  // The hook layer: the thin hook entry and the hooks the deploy agent runs with the handlers (cli → handlers → client).
  'src/hook': ['constructs', 'emulator', 'cdktf', 'cdktn'],
};

const boundaries = Object.entries(FORBIDDEN).map(([folder, layers]) => ({
  files: [`${folder}/**/*.ts`],
  rules: {
    '@typescript-eslint/no-restricted-imports': [
      'error',
      {
        patterns: layers.map((layer) => ({
          group: [layer, `**/${layer}`, `**/${layer}/**`, `${layer}/**`],
          message: `${folder} must not depend on ${layer} (design.md: the pieces, and which way they depend).`,
          // The CLI may name the construct props' types (import's code generation); types cost nothing at run time.
          allowTypeImports: folder === 'src/cli',
        })),
      },
    ],
  },
}));

export default tseslint.config(
  {
    ignores: ['lib/**', 'node_modules/**', 'coverage/**', '**/cdktf.out/**', '**/.terraform/**', '**/*.d.ts'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
  },
  {
    files: ['**/*.js', '**/*.cjs'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // The CLI loads subcommands and the client lazily so that a hook process stays cheap to start.
    // ...and the constructs load the app's own cdktf or cdktn, and the optional null provider, at run time.
    files: ['src/cli/**/*.ts', 'src/hook/**/*.ts', 'src/constructs/cdk.ts', 'src/constructs/lifecycle.ts'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  ...boundaries,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
);
