import type * as z from 'zod';
import { type Issue, ValidationError } from './errors.js';

/** Flattens zod issues into `{path, message}` pairs; an unknown key becomes an issue at its own path. */
export function issuesFromZod(error: z.ZodError, prefix: (string | number)[] = []): Issue[] {
  return error.issues.flatMap((issue) => {
    const base = [...prefix, ...issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p))];
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ path: [...base, key].join('.'), message: 'Unknown field' }));
    }
    return [{ path: base.join('.'), message: issue.message }];
  });
}

/** Parses or throws a ValidationError naming every offending path. */
export function parseOrThrow<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issues = issuesFromZod(result.error);
  const paths = issues.map((i) => i.path || '(root)').join(', ');
  throw ValidationError(`Invalid ${what}: ${paths}`, issues);
}
