/**
 * Renders the `${…}` variables of an s.yaml document the way Serverless Devs (`s preview`) does, for the
 * subset this project uses: `${env('NAME')}`, `${env('NAME', 'default' | vars.x)}`, `${config('Key')}` and
 * `${vars.a.b}`. The local host needs the rendered props without spawning `s`; a test checks that both
 * renders agree. Semantics copied from `s`: an empty or unset variable takes the default, and without one it
 * is an error; `config(…)` with no access alias stays unresolved; a value that is one whole `${…}` keeps its
 * type (a number stays a number); `.env` beside the template fills variables the process env lacks.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseEnv as parseDotenv } from 'node:util';
import { parse as parseYaml } from 'yaml';
import { ConfigError } from '../../shared/errors.js';

export interface RenderOptions {
  /** Variables for `env(…)`; default process.env. */
  env?: NodeJS.ProcessEnv;
  /** Values for `config(…)` (the access alias, e.g. `{ AccountID }`); missing keys stay unresolved. */
  config?: Record<string, string | undefined>;
}

const EXPRESSION = /\$\{([^}]*)\}/g;
const WHOLE = /^\$\{([^}]*)\}$/;
const STRING = `'[^']*'|"[^"]*"`;
const PATH = String.raw`vars(?:\.[A-Za-z_$][\w$-]*)+`;
const CALL = new RegExp(String.raw`^(env|config)\(\s*(${STRING})\s*(?:,\s*(${STRING}|${PATH})\s*)?\)$`);
const VARS = new RegExp(`^${PATH}$`);

type Vars = Record<string, unknown>;

const fail = (where: string, message: string) =>
  ConfigError(`s.yaml ${where}: ${message}`, { issues: [{ path: where, message }] });

/** Reads `path`, merges `.env` from its folder (process env wins), and renders it. */
export function renderTemplateFile(path: string, options: RenderOptions = {}): unknown {
  const dotenvPath = join(dirname(path), '.env');
  const dotenv = existsSync(dotenvPath) ? parseDotenv(readFileSync(dotenvPath, 'utf8')) : {};
  const env = { ...dotenv, ...(options.env ?? process.env) };
  return renderTemplate(parseYaml(readFileSync(path, 'utf8')), { ...options, env });
}

/** Renders a parsed s.yaml document: `vars` first (they may refer to one another), then the rest. */
export function renderTemplate(document: unknown, options: RenderOptions = {}): unknown {
  if (document === null || typeof document !== 'object' || Array.isArray(document)) {
    throw fail('(document)', 'must be a YAML mapping');
  }
  const env = options.env ?? process.env;
  const config = options.config ?? {};
  const rawVars = ((document as Vars).vars ?? {}) as Vars;
  const vars: Vars = {};
  const resolving = new Set<string>();

  const lookupVars = (path: string, where: string): unknown => {
    const [first, ...rest] = path.split('.').slice(1);
    if (first === undefined) throw fail(where, `${path} is not a variable`);
    if (!(first in vars)) {
      if (!(first in rawVars)) throw fail(where, `${path} not found`);
      if (resolving.has(first)) throw fail(where, `vars.${first} refers to itself`);
      resolving.add(first);
      vars[first] = render(rawVars[first], `vars.${first}`);
      resolving.delete(first);
    }
    let value: unknown = vars[first];
    for (const key of rest) {
      value = value !== null && typeof value === 'object' ? (value as Vars)[key] : undefined;
    }
    if (value === undefined || value === null) throw fail(where, `${path} not found`);
    return value;
  };

  const literal = (text: string) => text.slice(1, -1);

  const evaluate = (expression: string, where: string): unknown => {
    const source = expression.trim();
    if (VARS.test(source)) return lookupVars(source, where);
    const call = CALL.exec(source);
    if (!call) throw fail(where, `unsupported expression \${${source}}`);
    const [, fn, nameArg, defaultArg] = call as unknown as [string, string, string, string | undefined];
    const name = literal(nameArg);
    if (fn === 'config') return config[name] || `\${config('${name}')}`;
    const value = env[name];
    if (value) return value;
    if (defaultArg === undefined) throw fail(where, `env('${name}') not found`);
    return VARS.test(defaultArg) ? lookupVars(defaultArg, where) : literal(defaultArg);
  };

  const render = (value: unknown, where: string): unknown => {
    if (typeof value === 'string') {
      const whole = WHOLE.exec(value);
      if (whole) return evaluate(whole[1] as string, where);
      return value.replace(EXPRESSION, (_, expression: string) => String(evaluate(expression, where)));
    }
    if (Array.isArray(value)) return value.map((item, i) => render(item, `${where}[${i}]`));
    if (value !== null && typeof value === 'object') {
      return Object.fromEntries(
        Object.entries(value).map(([key, item]) => [key, render(item, where ? `${where}.${key}` : key)]),
      );
    }
    return value;
  };

  for (const key of Object.keys(rawVars)) lookupVars(`vars.${key}`, `vars.${key}`);
  return Object.fromEntries(
    Object.entries(document).map(([key, value]) => [key, key === 'vars' ? vars : render(value, key)]),
  );
}
