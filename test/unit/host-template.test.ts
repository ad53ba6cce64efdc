// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings are s.yaml variables, not JS templates
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { renderTemplate, renderTemplateFile } from '../../local/host/template.js';
import { errorCode } from '../../shared/errors.js';

const doc = (props: Record<string, unknown>, vars: Record<string, unknown> = {}) => ({
  edition: '3.0.0',
  vars,
  resources: { fn: { component: 'fc3', props } },
});
const props = (rendered: unknown) =>
  (rendered as { resources: { fn: { props: Record<string, unknown> } } }).resources.fn.props;

describe('renderTemplate (the s.yaml variables the project uses, as s renders them)', () => {
  it('reads env(NAME) and falls back to the default when the variable is unset or empty', () => {
    const template = doc({ a: "${env('A', 'x')}", b: "${env('B', 'y')}", c: '${env("C")}' });
    const out = props(renderTemplate(template, { env: { A: 'set', B: '', C: 'cee' } }));
    expect(out).toEqual({ a: 'set', b: 'y', c: 'cee' });
  });

  it('refuses env(NAME) without a default when the variable is unset, naming where', () => {
    try {
      renderTemplate(doc({ region: "${env('NOPE')}" }), { env: {} });
      expect.unreachable();
    } catch (error) {
      expect(errorCode(error)).toBe('ConfigError');
      expect((error as Error).message).toContain("resources.fn.props.region: env('NOPE') not found");
    }
  });

  it('resolves vars, including vars that use env and other vars, and vars as env defaults', () => {
    const template = doc(
      {
        region: '${vars.region}',
        url: 'https://ice.${vars.region}.aliyuncs.com',
        e: "${env('E', vars.fallback)}",
      },
      { region: "${env('REGION', 'cn-shanghai')}", fallback: 'from-${vars.region}' },
    );
    const out = renderTemplate(template, { env: { REGION: 'cn-hangzhou' } }) as { vars: unknown };
    expect(props(out)).toEqual({
      region: 'cn-hangzhou',
      url: 'https://ice.cn-hangzhou.aliyuncs.com',
      e: 'from-cn-hangzhou',
    });
    expect(out.vars).toEqual({ region: 'cn-hangzhou', fallback: 'from-cn-hangzhou' });
  });

  it('keeps the type of a value that is one whole expression and stringifies embedded ones', () => {
    const out = props(
      renderTemplate(doc({ n: '${vars.n}', s: 'n=${vars.n}', flag: '${vars.on}' }, { n: 5, on: true })),
    );
    expect(out).toEqual({ n: 5, s: 'n=5', flag: true });
  });

  it('fills config(Key) from the access alias and leaves it unresolved without one, as s preview does', () => {
    const template = doc({ arn: "acs:ram::${config('AccountID')}:role/r" });
    expect(props(renderTemplate(template, { config: { AccountID: '42' } })).arn).toBe('acs:ram::42:role/r');
    expect(props(renderTemplate(template, {})).arn).toBe("acs:ram::${config('AccountID')}:role/r");
  });

  it('refuses expressions outside the supported subset and self-referencing vars', () => {
    expect(() => renderTemplate(doc({ x: '${resources.other.output.url}' }))).toThrow(
      /unsupported expression/,
    );
    expect(() => renderTemplate(doc({ x: '${vars.a}' }, { a: '${vars.a}' }))).toThrow(/refers to itself/);
    expect(() => renderTemplate(doc({ x: '${vars.missing}' }))).toThrow(/vars.missing not found/);
  });
});

describe('renderTemplateFile', () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('reads .env beside the template, with the process environment taking precedence', () => {
    dir = mkdtempSync(join(tmpdir(), 'tpl-'));
    writeFileSync(join(dir, '.env'), 'FROM_FILE=file\nBOTH=file\n');
    writeFileSync(
      join(dir, 's.yaml'),
      "edition: 3.0.0\nresources:\n  fn:\n    props:\n      a: ${env('FROM_FILE')}\n      b: ${env('BOTH')}\n",
    );
    const out = props(renderTemplateFile(join(dir, 's.yaml'), { env: { BOTH: 'process' } }));
    expect(out).toEqual({ a: 'file', b: 'process' });
  });
});
