/**
 * Label values an attacker or a typo could send, through the real Docker API: directive injection, block
 * breaks, variables, comments, oversized and non-ASCII values. Each must be rejected by name and leave every
 * other route alone.
 */
export const HOSTILE_LABELS: Record<string, string>[] = [
  { 'com.docker.lb.hosts': 'evil.test; return 200 pwned' },
  { 'com.docker.lb.hosts': 'evil.test', 'com.docker.lb.context_root': '/x { return 200; } location /y' },
  { 'com.docker.lb.hosts': 'evil.test', 'com.docker.lb.redirects': 'http://a.test,http://b.test;\nlisten 1' },
  { 'com.docker.lb.hosts': 'evil.test', 'com.docker.lb.port': '80; include /etc/passwd' },
  { 'com.docker.lb.hosts': 'evil.test', 'com.docker.lb.sticky_session_cookie': 'sid"; add_header X 1' },
  { 'com.docker.lb.hosts': '$host' },
  { 'com.docker.lb.hosts': `${'a'.repeat(300)}.test` },
  { 'com.docker.lb.hosts': 'évil.test#comment' },
  { 'com.docker.lb.hosts': 'evil.test', 'com.docker.lb.ssl_cert': '../../etc/shadow' },
  { 'com.docker.lb.hosts': 'evil.test', 'com.docker.lb.backend_mode': 'vip\n}' },
];
