import { describe, expect, it } from 'vitest';
import { renderDashboardPage } from './dashboard-page.js';

describe('renderDashboardPage', () => {
  it('lists rejected services and tenants, escaped', () => {
    const html = renderDashboardPage(
      {
        instance: 'c1',
        leader: true,
        clusters: [],
        rejections: [
          {
            service: 'evil_web',
            tenant: 'evil',
            stage: 'tenancy',
            code: 'HOST_CLAIM_REJECTED',
            message: 'host <script>alert(1)</script>.test is owned by tenant blog',
          },
        ],
      },
      '<svg></svg>',
      [{ tenant: 'blog', services: ['blog_web', 'blog_api'], hosts: ['blog.test'] }],
    );
    expect(html).toContain(
      '<tr><td>evil_web</td><td>evil</td><td>tenancy</td><td>HOST_CLAIM_REJECTED</td><td>host &lt;script&gt;alert(1)&lt;/script&gt;.test is owned by tenant blog</td></tr>',
    );
    expect(html).toContain('<tr><td>blog</td><td>2</td><td>blog.test</td></tr>');
    expect(html).not.toContain('<script>alert(1)');
  });

  it('has no tenants table without [Tenancy]', () => {
    expect(renderDashboardPage({ clusters: [] }, '')).not.toContain('id="tenants"');
  });
});
