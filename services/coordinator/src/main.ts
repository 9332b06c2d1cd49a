import { createLogger } from '#platform/log/create-logger.js';
import { loadCoordinatorSettings } from './settings.js';
import { startCoordinator } from './start-coordinator.js';

const settings = loadCoordinatorSettings(process.env);
const log = createLogger({
  component: 'coordinator',
  level: settings.logLevel,
  base: { instance: settings.instance },
});
for (const w of settings.configWarnings) log.warn(w);
const running = await startCoordinator(settings, log);
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    log.info({ signal }, 'stopping');
    void running.stop().then(() => process.exit(0));
  });
}
