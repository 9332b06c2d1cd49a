import { describe, expect, it } from 'vitest';
import { sealStamp, stampComment, stampOf } from './config-stamp.js';
import { ConfigWriter } from './config-writer.js';
import { renderStatusServer } from './internal-endpoints.js';

const config = (body: string): string => {
  const w = new ConfigWriter();
  w.line(stampComment(10081));
  w.open('http');
  renderStatusServer(w, { port: 10081, health: ['return 200 "ok\\n";'], stubStatus: false });
  w.line(`# ${body}`);
  w.close();
  return sealStamp(w.toString());
};

describe('config stamps', () => {
  it('names the stamp nginx answers and where', () => {
    const text = config('a');
    const found = stampOf(text);
    expect(found?.url).toBe('http://127.0.0.1:10081/_signalbox/config');
    expect(found?.stamp).toMatch(/^[0-9a-f]{16}$/);
    expect(text).toContain(`return 200 "${found?.stamp}\\n";`);
    expect(text).not.toContain('@signalbox-config-stamp@');
  });

  it('is the same for the same text and differs for another', () => {
    expect(stampOf(config('a'))?.stamp).toBe(stampOf(config('a'))?.stamp);
    expect(stampOf(config('a'))?.stamp).not.toBe(stampOf(config('b'))?.stamp);
  });

  it('finds none in a config without one (a custom template)', () => {
    expect(stampOf('events {}\nhttp {}\n')).toBeUndefined();
  });
});
