/**
 * The log scan: which captured lines contain a secret or credential that the run used — webhook secrets,
 * the access key secret, the STS token — or an `x-signature` MAC that was sent (any hex run of 32+
 * characters that equals, contains or is part of a sent MAC, so truncated or embedded copies count too).
 */

export interface Secret {
  label: string;
  value: string;
}

export interface SecretHit {
  label: string;
  /** The line with the secret masked, cut to 200 characters. */
  line: string;
}

export interface SecretScan {
  lines: number;
  secrets: number;
  signatures: number;
  hits: SecretHit[];
}

const HEX_RUN = /[0-9a-f]{32,}/gi;
const MASK = '«secret»';

/** `t=…,v1=<hex>` and other sent header values → their hex runs (the MACs, whole or cut). */
export function signatureMacs(headerValues: Iterable<string>): Set<string> {
  const macs = new Set<string>();
  for (const value of headerValues) for (const run of value.match(HEX_RUN) ?? []) macs.add(run.toLowerCase());
  return macs;
}

export function scanForSecrets(
  lines: readonly string[],
  secrets: readonly Secret[],
  macs: Set<string>,
): SecretScan {
  const plain = secrets.filter((s) => s.value.length >= 8);
  const hits: SecretHit[] = [];
  for (const line of lines) {
    for (const secret of plain) {
      if (line.includes(secret.value)) {
        hits.push({ label: secret.label, line: line.split(secret.value).join(MASK).slice(0, 200) });
      }
    }
    for (const run of line.match(HEX_RUN) ?? []) {
      const hex = run.toLowerCase();
      const sent = macs.has(hex) || [...macs].some((mac) => hex.includes(mac) || mac.includes(hex));
      if (sent) hits.push({ label: 'x-signature MAC', line: line.split(run).join(MASK).slice(0, 200) });
    }
  }
  return { lines: lines.length, secrets: plain.length, signatures: macs.size, hits };
}
