import js from "@eslint/js";
import tseslint from "typescript-eslint";
import globals from "globals";

export default tseslint.config(
  {
    ignores: [
      "node_modules/",
      ".data/",
      ".wrangler/",
      ".astro/",
      "site/dist/",
      "site/public/rum/",
      "worker/worker-configuration.d.ts",
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: { "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_" }] },
  },
  { files: ["*.{js,mjs,ts}", "scripts/**", "db/local/**"], languageOptions: { globals: globals.node } },
  {
    files: ["**/*.ts"],
    rules: {
      // Tenant isolation relies on set_config(..., true) inside a transaction: a plain SET or a
      // session-wide set_config would leak the tenant to the next user of a pooled connection.
      "no-restricted-syntax": [
        "error",
        {
          selector:
            "TemplateElement[value.raw=/\\bSET\\s+(LOCAL\\s+)?app\\./i], Literal[value=/\\bSET\\s+(LOCAL\\s+)?app\\./i]",
          message: "Never SET app.* — use withTenant() (set_config(..., true) inside the transaction).",
        },
        {
          selector:
            "TemplateElement[value.raw=/set_config\\([^)]*false\\s*\\)/i], Literal[value=/set_config\\([^)]*false\\s*\\)/i]",
          message: "set_config(..., false) is session-wide and leaks through the pooler; use withTenant().",
        },
      ],
    },
  },
);
