import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nginxTest } from '../../../testing/nginx-process.js';
import { renderFixture } from '../../../testing/render-fixture.js';
import { LabelKey } from '../labels/index.js';
import { checkCookieName } from '../labels/validators.js';
import { DEFAULT_RUNTIME_TARGETS } from './runtime-targets.js';

/**
 * Issue 14: `a%b` passed the label validator and then made the run-time renderer throw, failing the whole
 * cluster. The validator and the renderers now share one rule; these check they agree on any input.
 */

const RFC6265_TOKEN = "!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const cookieText = fc.oneof(
  fc.string({ unit: fc.constantFrom(...RFC6265_TOKEN), minLength: 1, maxLength: 12 }),
  fc.string({ unit: fc.constantFrom(...RFC6265_TOKEN, ' ', ';', '=', '"', '{', '\\', 'ä'), maxLength: 12 }),
  fc.string({ unit: fc.constantFrom('a', 'Z', '9', '-', '.'), minLength: 250, maxLength: 260 }),
);

const render = (cookie: string, runtime: boolean) =>
  renderFixture({
    services: [
      {
        name: 'sticky',
        networks: ['front'],
        replicas: 2,
        labels: {
          [LabelKey.hosts]: 'a.example',
          [LabelKey.port]: '80',
          [LabelKey.stickySessionCookie]: cookie,
        },
      },
    ],
    ...(runtime ? { runtimeTargets: DEFAULT_RUNTIME_TARGETS } : {}),
  });

describe('sticky cookie names', () => {
  it('render, with and without run-time targets, exactly when the validator accepts them (property)', () => {
    fc.assert(
      fc.property(cookieText, fc.boolean(), (cookie, runtime) => {
        const accepted = checkCookieName(cookie).ok;
        const { routes, model } = render(cookie, runtime);
        expect(routes.rejected.length).toBe(accepted ? 0 : 1);
        expect(model.httpPools.some((p) => p.balance.kind === 'cookie')).toBe(accepted);
      }),
      { numRuns: 500, seed: 14 },
    );
  });

  it('pass nginx -t whenever the validator accepts them (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        cookieText.filter((c) => checkCookieName(c).ok),
        fc.boolean(),
        async (cookie, runtime) => {
          const check = await nginxTest(render(cookie, runtime).config);
          expect(check.output).toBe('');
          expect(check.ok).toBe(true);
        },
      ),
      { numRuns: 20, seed: 14 },
    );
  }, 60_000);

  it.each(['a%b', 'a$b', 'a#b'])('refuses %j at the label, naming the service', (cookie) => {
    const { routes } = render(cookie, true);
    expect(routes.rejected[0]?.errors[0]?.message).toMatch(
      /^service sticky: label com\.docker\.lb\.sticky_session_cookie=.* is not an RFC 6265 cookie name/,
    );
  });
});
