// ESLint flat config: typescript-eslint's recommended rules, plus the architecture boundaries.
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["node_modules/", "services/platform/generated/", ".data/", "bench/results.json", "dist/"] },
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-explicit-any": "off",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    },
  },
  {
    // The domain core is pure: it imports nothing of ours outside itself, and no I/O modules.
    files: ["services/core/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            { group: ["../*", "!../core/*"], message: "services/core imports nothing outside itself" },
            {
              group: ["kafkajs", "pg", "express", "@prisma/*", "node:fs", "node:net", "node:http", "pino"],
              message: "services/core does no I/O",
            },
          ],
        },
      ],
    },
  },
  ...["ingest", "projector", "api"].map((service) => ({
    files: [`services/${service}/**/*.ts`],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: ["ingest", "projector", "api"]
            .filter((other) => other !== service)
            .map((other) => ({
              group: [`../${other}/*`, `../../${other}/*`],
              message: `a service never imports another service (${other})`,
            })),
        },
      ],
    },
  })),
);
