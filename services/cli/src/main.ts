import { type CliIo, ExitCode, processIo } from './cli-io.js';
import { runMapCommand } from './commands/map.js';
import { runPlanCommand } from './commands/plan.js';
import { runRenderCommand } from './commands/render.js';

const USAGE = `usage: signalbox <command> [options]

commands:
  render --snapshot FILE [--config FILE] [--cluster NAME] [--strict]
         nginx config of one service cluster on stdout, a JSON report on stderr
  plan   --input FILE [--previous FILE] [--time-budget-ms N] [--seed N] [--move-cost X] [--max-moves N]
         [--format json|hmetis [--fix FILE] --k N --epsilon E]
         assign apps to service clusters; JSON on stdout. With --format hmetis, FILE is an .hgr hypergraph,
         --fix an hMETIS fix file and --previous a partition file (one block per line)

  map    [--coordinator HOST:PORT] [--token-file FILE]
         host → service cluster as JSON, from a running coordinator (token also from SIGNALBOX_GRPC_TOKEN)

exit codes: 0 ok, 1 unusable input, 2 usage error, 3 rejected services with --strict
`;

export async function main(argv: string[], io: CliIo = processIo): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'render':
      return runRenderCommand(rest, io);
    case 'plan':
      return runPlanCommand(rest, io);
    case 'map':
      return runMapCommand(rest, io);
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
