import nextVitals from "eslint-config-next/core-web-vitals";
import nextTs from "eslint-config-next/typescript";

// Layering rules (STYLE.md): the UI never reaches the database or Stripe directly, routes never
// write SQL, and only lib/stripe talks to the Stripe SDK.
const layering = [
  {
    files: ["components/**/*.{ts,tsx}"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: ["@/lib/db", "@/lib/db/*", "drizzle-orm", "drizzle-orm/*"],
              message: "components/ never touches the database: load data in a server page through lib/<domain>.",
            },
            { group: ["@/lib/stripe", "@/lib/stripe/*"], message: "Only lib/stripe talks to Stripe." },
          ],
          paths: [{ name: "stripe", message: "Only lib/stripe imports the Stripe SDK." }],
        },
      ],
    },
  },
  {
    files: ["app/**/*.{ts,tsx}"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: ["drizzle-orm", "drizzle-orm/*"],
              message: "app/ holds routes only: queries live in lib/<domain>.",
            },
          ],
          paths: [{ name: "stripe", message: "Only lib/stripe imports the Stripe SDK." }],
        },
      ],
    },
  },
  {
    files: ["lib/**/*.ts"],
    ignores: ["lib/stripe/**"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [{ group: ["@/app/*", "@/components/*"], message: "lib/ never imports from app/ or components/." }],
          paths: [{ name: "stripe", message: "Only lib/stripe imports the Stripe SDK." }],
        },
      ],
    },
  },
];

const config = [
  ...nextVitals,
  ...nextTs,
  ...layering,
  {
    rules: {
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/ban-ts-comment": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    },
  },
  {
    ignores: [
      ".next/**",
      "node_modules/**",
      ".data/**",
      "drizzle/**",
      "test-results/**",
      "playwright-report/**",
      "next-env.d.ts",
    ],
  },
];

export default config;
