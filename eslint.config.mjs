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

// Process state has one home (lib/process-state.ts): Next and the fast-path bundle load lib/ twice in
// one process, so module-level mutable state would exist twice (two gates, two queues, two caches).
// Caught here: a top-level `let`, a top-level binding to an empty container (`new Map()`, `new X()`,
// `[]`, `{}`), and `globalThis` outside process-state.ts. Constant lookup tables (`new Set([...])`)
// stay allowed.
const TOP = ":matches(Program, Program > ExportNamedDeclaration) > VariableDeclaration";
const STATE_MESSAGE =
  "Module-level mutable state exists once per bundle (Next and the fast path): get it from processState() in lib/process-state.ts.";
const processState = [
  {
    files: ["lib/**/*.ts"],
    ignores: ["lib/**/*.test.ts", "lib/process-state.ts"],
    rules: {
      "no-restricted-syntax": [
        "error",
        { selector: `${TOP}[kind='let']`, message: STATE_MESSAGE },
        { selector: `${TOP} > VariableDeclarator > NewExpression.init[arguments.length=0]`, message: STATE_MESSAGE },
        { selector: `${TOP} > VariableDeclarator > ArrayExpression.init[elements.length=0]`, message: STATE_MESSAGE },
        {
          selector: `${TOP} > VariableDeclarator > ObjectExpression.init[properties.length=0]`,
          message: STATE_MESSAGE,
        },
        {
          selector: `${TOP} > VariableDeclarator > TSAsExpression.init > :matches(ArrayExpression[elements.length=0], ObjectExpression[properties.length=0], NewExpression[arguments.length=0])`,
          message: STATE_MESSAGE,
        },
        { selector: "Identifier[name='globalThis']", message: STATE_MESSAGE },
      ],
    },
  },
];

const config = [
  ...nextVitals,
  ...nextTs,
  ...layering,
  ...processState,
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
