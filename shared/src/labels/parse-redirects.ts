import type { Redirect } from '../model/index.js';
import { LabelKey } from './label-keys.js';
import { checkUrl, countItems, formatUrl, splitList } from './validators.js';

/** The redirects label: `source,target` items split by `;`, each source a scheme://host the service serves. */
export function parseRedirects(
  raw: string,
  hosts: string[],
  max: number,
  bad: (label: string, value: string, reason: string) => void,
  overLimit: (label: string, value: string, what: string, count: number, limit: number) => void,
): Redirect[] {
  const pairs = splitList(raw, ';', max + 1);
  if (pairs.length > max) {
    overLimit(LabelKey.redirects, raw, 'redirects', countItems(raw, ';'), max);
    return [];
  }
  const out: Redirect[] = [];
  for (const pair of pairs) {
    const parts = pair.split(',').map((p) => p.trim());
    const [fromText, toText] = parts;
    if (parts.length !== 2 || !fromText || !toText) {
      bad(
        LabelKey.redirects,
        raw,
        `has an item ${JSON.stringify(pair.slice(0, 120))} that is not "source,target"`,
      );
      continue;
    }
    const from = checkUrl(fromText);
    const to = checkUrl(toText);
    if (!from.ok || !to.ok) {
      const reason = !from.ok ? `source ${from.reason}` : !to.ok ? `target ${to.reason}` : '';
      bad(LabelKey.redirects, raw, `has an item ${JSON.stringify(pair.slice(0, 120))} whose ${reason}`);
      continue;
    }
    if (!hosts.includes(from.value.host)) {
      bad(LabelKey.redirects, raw, `redirects from ${from.value.host}, which is not in ${LabelKey.hosts}`);
      continue;
    }
    if (from.value.path !== '' || from.value.port !== undefined) {
      bad(
        LabelKey.redirects,
        raw,
        `source ${fromText} must be scheme://host only: redirects apply to whole hosts`,
      );
      continue;
    }
    out.push({ fromScheme: from.value.scheme, fromHost: from.value.host, to: formatUrl(to.value) });
  }
  return out.sort((a, b) => (`${a.fromScheme}${a.fromHost}` < `${b.fromScheme}${b.fromHost}` ? -1 : 1));
}
