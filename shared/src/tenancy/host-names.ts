/** `*.example.com` → `example.com`; undefined for an exact name. */
export const wildcardSuffix = (name: string): string | undefined =>
  name.startsWith('*.') ? name.slice(2) : undefined;

/** The wildcards that could cover `name`, most specific first: a.b.c → *.b.c, *.c. */
export function coveringWildcards(name: string): string[] {
  const labels = (wildcardSuffix(name) ?? name).split('.');
  const out: string[] = [];
  for (let i = wildcardSuffix(name) === undefined ? 1 : 0; i < labels.length; i++) {
    const suffix = labels.slice(i).join('.');
    const candidate = `*.${suffix}`;
    if (candidate !== name) out.push(candidate);
  }
  return out;
}

/** The suffixes whose wildcard covers `name`: a.b.c → b.c, c; *.b.c → b.c, c. */
export const suffixesOver = (name: string): string[] =>
  [...(wildcardSuffix(name) === undefined ? [] : [name]), ...coveringWildcards(name)].map((w) => w.slice(2));
