import { type CliIo, ExitCode, processIo } from './cli-io.js';
import { runConfigCheckCommand } from './commands/config-check.js';
import { runExplainCommand } from './commands/explain.js';
import { runMapCommand } from './commands/map.js';
import { runPlanCommand } from './commands/plan.js';
import { runRemotePlanCommand } from './commands/plan-remote.js';
import { runRenderCommand } from './commands/render.js';
import { runRoutesCommand } from './commands/routes.js';
import { runStatusCommand } from './commands/status.js';

const USAGE = `usage: signalbox <command> [options]

against a running coordinator (--coordinator HOST:PORT or SIGNALBOX_COORDINATOR, default 127.0.0.1:8080;
--token-file FILE or SIGNALBOX_GRPC_TOKEN; --json for machine-readable output):
  status                 clusters, proxies, desired and live config versions, rollouts, the job queue
  routes [--cluster C]   every host and path, its cluster, services and targets, and rejected services
  explain HOST[/PATH]    the route, its cluster and why, its tasks and their health, the nginx server block
  map                    host → service cluster as JSON, for an external load balancer
  plan [--dry-run]       a fresh plan against the one in force: moves and metrics before/after;
                         without --dry-run the coordinator adopts it

offline:
  config check [--json] FILE
         what each key of an Interlock or Signalbox config.toml does in Signalbox; exit 1 if any is invalid
  render --snapshot FILE [--config FILE] [--cluster NAME] [--strict]
         nginx config of one service cluster on stdout, a JSON report on stderr
  plan   --input FILE [--previous FILE] [--time-budget-ms N] [--seed N] [--move-cost X] [--max-moves N]
         [--format json|hmetis [--fix FILE] --k N --epsilon E]
         assign apps to service clusters; JSON on stdout. With --format hmetis, FILE is an .hgr hypergraph,
         --fix an hMETIS fix file and --previous a partition file (one block per line)

exit codes: 0 ok, 1 unusable input or nothing found, 2 usage error, 3 rejected services with --strict,
            4 the coordinator could not be reached or refused the call
`;

/** `plan` works on a file when given one, else asks the running coordinator. */
const isOfflinePlan = (args: string[]): boolean =>
  args.some(
    (a) => a === '--input' || a.startsWith('--input=') || a === '--format' || a.startsWith('--format='),
  );

export async function main(
  argv: string[],
  io: CliIo = processIo,
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'render':
      return runRenderCommand(rest, io);
    case 'config':
      if (rest[0] === 'check') return runConfigCheckCommand(rest.slice(1), io);
      io.stderr(
        `signalbox: unknown command ${JSON.stringify(['config', ...rest.slice(0, 1)].join(' '))}\n${USAGE}`,
      );
      return ExitCode.usage;
    case 'plan':
      return isOfflinePlan(rest) ? runPlanCommand(rest, io) : runRemotePlanCommand(rest, io, env);
    case 'status':
      return runStatusCommand(rest, io, env);
    case 'routes':
      return runRoutesCommand(rest, io, env);
    case 'explain':
      return runExplainCommand(rest, io, env);
    case 'map':
      return runMapCommand(rest, io, env);
    case undefined:
    case '-h':
    case '--help':
    case 'help':
      io.stdout(USAGE);
      return command === undefined ? ExitCode.usage : ExitCode.ok;
    default:
      io.stderr(`signalbox: unknown command ${JSON.stringify(command)}\n${USAGE}`);
      return ExitCode.usage;
  }
}
