import type { StatusReport } from '#shared/gen/signalbox/v1/StatusReport.js';
import type { TenantSummary } from '#shared/tenancy/index.js';

const escapeHtml = (text: string): string =>
  text.replace(
    /[<>&"']/g,
    (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );

/** One table row per cluster; the page's script builds the same rows from /api/status when it refreshes. */
function clusterRows(status: StatusReport): string {
  return (status.clusters ?? [])
    .map((c) => {
      const r = c.rollout;
      const rollout = r
        ? `${r.state || 'idle'} ${r.tasksServing ?? 0}/${r.tasksDesired ?? 0}`
        : 'no proxy yet';
      const sync = c.inSync ? 'in sync' : `behind ${Math.round(Number(c.behindSeconds ?? 0))} s`;
      return `<tr data-cluster="${escapeHtml(c.name ?? '')}"><td>${escapeHtml(c.name || '(default)')}</td><td>${escapeHtml(c.proxyService ?? '')}</td><td><code>${escapeHtml(c.desiredVersion ?? '')}</code></td><td><code>${escapeHtml(c.liveVersion || '–')}</code></td><td class="${c.inSync ? 'ok' : 'behind'}">${sync}</td><td>${escapeHtml(rollout)}</td><td>${c.networks ?? 0}</td><td>${c.routes ?? 0}</td><td>${c.services ?? 0}</td></tr>`;
    })
    .join('');
}

/** Every service turned away, as `signalbox status` lists them; the script rebuilds the rows the same way. */
const rejectionRows = (status: StatusReport): string =>
  (status.rejections ?? [])
    .map(
      (r) =>
        `<tr><td>${escapeHtml(r.service ?? '')}</td><td>${escapeHtml(r.tenant || '–')}</td><td>${escapeHtml(r.stage ?? '')}</td><td>${escapeHtml(r.code ?? '')}</td><td>${escapeHtml(r.message ?? '')}</td></tr>`,
    )
    .join('');

/** With [Tenancy]: each tenant, how many services it routes and the hosts it owns. */
const tenantRows = (tenants: readonly TenantSummary[]): string =>
  tenants
    .map(
      (t) =>
        `<tr><td>${escapeHtml(t.tenant || '(no tenant)')}</td><td>${t.services.length}</td><td>${escapeHtml(t.hosts.join(', '))}</td></tr>`,
    )
    .join('');

const queueLine = (s: StatusReport): string => {
  const q = s.queue;
  return q
    ? `waiting ${q.waiting ?? 0} · active ${q.active ?? 0} · delayed ${q.delayed ?? 0} · failed ${q.failed ?? 0} · completed ${q.completed ?? 0}`
    : 'unknown';
};

/**
 * The dashboard's one page, complete when served (so it reads without JavaScript); a small script then
 * refreshes the cluster table every two seconds and redraws the topology when a desired version moves.
 * Relative URLs, so it works under whatever path the coordinator is reached at.
 */
export function renderDashboardPage(
  status: StatusReport,
  topologySvg: string,
  tenants: readonly TenantSummary[] = [],
): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Signalbox</title>
<style>
body{font-family:sans-serif;margin:16px;color:#0f172a}
table{border-collapse:collapse;margin:8px 0 16px}
td,th{border-bottom:1px solid #e2e8f0;padding:4px 10px;text-align:left;font-size:13px}
th{background:#f1f5f9}
.ok{color:#15803d}.behind{color:#b45309;font-weight:bold}
header{display:flex;gap:24px;align-items:baseline}
#topology svg{border:1px solid #e2e8f0;max-width:100%;height:auto}
</style></head>
<body>
<header><h1>Signalbox</h1><span id="who">${escapeHtml(status.instance ?? '')} · ${status.leader ? 'leader' : 'standby'}</span><a href="queues">config job queue →</a></header>
<p>Last reconcile pass <span id="last-pass">${escapeHtml(status.lastPassAt ?? '')}</span> (${Math.round(Number(status.lastPassMillis ?? 0))} ms) · rejected services <span id="rejected">${status.rejectedServices ?? 0}</span> · unplaced <span id="unplaced">${status.unplacedServices ?? 0}</span></p>
<h2>Service clusters</h2>
<table id="clusters"><thead><tr><th>cluster</th><th>proxy</th><th>desired</th><th>live</th><th>sync</th><th>rollout</th><th>networks</th><th>routes</th><th>services</th></tr></thead>
<tbody>${clusterRows(status)}</tbody></table>
<p>Jobs: <span id="queue">${escapeHtml(queueLine(status))}</span></p>
<h2>Rejected services</h2>
<table id="rejections"><thead><tr><th>service</th><th>tenant</th><th>stage</th><th>code</th><th>reason</th></tr></thead>
<tbody>${rejectionRows(status)}</tbody></table>
${
  tenants.length > 0
    ? `<h2>Tenants</h2>
<table id="tenants"><thead><tr><th>tenant</th><th>services</th><th>hosts owned</th></tr></thead>
<tbody>${tenantRows(tenants)}</tbody></table>
`
    : ''
}<h2>Topology</h2>
<div id="topology">${topologySvg}</div>
<script>
const esc = (t) => String(t ?? '').replace(/[<>&"']/g, (c) => ({'<':'&lt;','>':'&gt;','&':'&amp;','"':'&quot;',"'":'&#39;'})[c]);
let versions = ${JSON.stringify((status.clusters ?? []).map((c) => c.desiredVersion).join(','))};
async function refresh() {
  const res = await fetch('api/status', { credentials: 'same-origin' });
  if (!res.ok) return;
  const s = await res.json();
  document.querySelector('#clusters tbody').innerHTML = (s.clusters ?? []).map((c) => {
    const r = c.rollout;
    const rollout = r ? (r.state || 'idle') + ' ' + (r.tasksServing ?? 0) + '/' + (r.tasksDesired ?? 0) : 'no proxy yet';
    const sync = c.inSync ? 'in sync' : 'behind ' + Math.round(c.behindSeconds ?? 0) + ' s';
    return '<tr data-cluster="' + esc(c.name) + '"><td>' + esc(c.name || '(default)') + '</td><td>' + esc(c.proxyService) +
      '</td><td><code>' + esc(c.desiredVersion) + '</code></td><td><code>' + esc(c.liveVersion || '–') + '</code></td><td class="' +
      (c.inSync ? 'ok' : 'behind') + '">' + sync + '</td><td>' + esc(rollout) + '</td><td>' + (c.networks ?? 0) + '</td><td>' +
      (c.routes ?? 0) + '</td><td>' + (c.services ?? 0) + '</td></tr>';
  }).join('');
  document.querySelector('#rejections tbody').innerHTML = (s.rejections ?? []).map((r) =>
    '<tr><td>' + esc(r.service) + '</td><td>' + esc(r.tenant || '–') + '</td><td>' + esc(r.stage) + '</td><td>' +
      esc(r.code) + '</td><td>' + esc(r.message) + '</td></tr>').join('');
  const q = s.queue ?? {};
  document.getElementById('queue').textContent = 'waiting ' + (q.waiting ?? 0) + ' · active ' + (q.active ?? 0) +
    ' · delayed ' + (q.delayed ?? 0) + ' · failed ' + (q.failed ?? 0) + ' · completed ' + (q.completed ?? 0);
  document.getElementById('last-pass').textContent = s.lastPassAt ?? '';
  document.getElementById('rejected').textContent = s.rejectedServices ?? 0;
  document.getElementById('unplaced').textContent = s.unplacedServices ?? 0;
  const now = (s.clusters ?? []).map((c) => c.desiredVersion).join(',');
  if (now !== versions) {
    versions = now;
    const svg = await fetch('topology.svg', { credentials: 'same-origin' });
    if (svg.ok) document.getElementById('topology').innerHTML = await svg.text();
  }
}
setInterval(() => refresh().catch(() => {}), 2000);
</script>
</body></html>
`;
}
