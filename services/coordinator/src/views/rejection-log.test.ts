import { describe, expect, it } from 'vitest';
import type { Rejection } from '#shared/desired/index.js';
import { RejectionLog } from './rejection-log.js';

function recordingLogger() {
  const lines: { level: string; fields: Record<string, unknown>; message: string }[] = [];
  const at =
    (level: string) =>
    (fields: Record<string, unknown>, message: string): void =>
      void lines.push({ level, fields, message });
  return { lines, logger: { warn: at('warn'), info: at('info') } };
}

const hijack: Rejection = {
  service: 'evil_web',
  tenant: 'evil',
  stage: 'tenancy',
  code: 'HOST_CLAIM_REJECTED',
  message: 'service evil_web (tenant evil): host blog.test is owned by tenant blog',
};

describe('RejectionLog', () => {
  it('logs a rejection once when it appears, with its fields, and once when it is gone', () => {
    const { lines, logger } = recordingLogger();
    const log = new RejectionLog(logger as never);
    log.update([hijack]);
    log.update([hijack]);
    expect(lines).toEqual([
      {
        level: 'warn',
        fields: { service: 'evil_web', tenant: 'evil', stage: 'tenancy', code: 'HOST_CLAIM_REJECTED' },
        message: hijack.message,
      },
    ]);
    log.update([]);
    expect(lines[1]?.level).toBe('info');
    expect(lines[1]?.message).toBe(`no longer rejected: ${hijack.message}`);
  });

  it('logs a pending certificate check as information, not a warning', () => {
    const { lines, logger } = recordingLogger();
    new RejectionLog(logger as never).update([
      { ...hijack, stage: 'certificate', code: 'CERTIFICATE_PENDING', message: 'waits' },
    ]);
    expect(lines.map((l) => l.level)).toEqual(['info']);
  });
});
